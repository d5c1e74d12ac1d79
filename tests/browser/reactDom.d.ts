// The parts of react-dom that the React tests use (react-dom/client in reactPage.ts,
// react-dom/server in reactView.test.ts), typed here: react-dom is a devDependency for them,
// @types/react-dom is not.
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';

  export interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }
  export function createRoot(container: Element | DocumentFragment): Root;
}

declare module 'react-dom/server' {
  import type { ReactNode } from 'react';

  export function renderToString(children: ReactNode): string;
}
