// esbuild bundles the generated SVG into the page as text (`loader: { '.svg': 'text' }`).
declare module '*.svg' {
  const text: string;
  export default text;
}
