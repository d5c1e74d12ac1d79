// The page side of live-view-diagram.test.ts: the real machine model and a DiagramView in an
// 800 px panel, reachable from the test as `window.harness`. Bundled by the test with esbuild.
import type { MachineModel } from '../../visualizations/diagram/diagram.js';
import { DiagramView } from '../../visualizations/page/live-view/diagramView.js';
import model from '../../visualizations/generated/socket-machine.json';

const machineModel = model as unknown as MachineModel;
const panel = document.getElementById('panel')!;
const view = new DiagramView(panel, machineModel);

(window as unknown as { harness: unknown }).harness = { DiagramView, model: machineModel, view };
