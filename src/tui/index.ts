export { runTui, type RunTuiProps } from './run-tui.js';
export { App, type AppProps } from './app.js';
export { initState, reduce, type Action, type TuiState, type Screen, type Mode } from './state.js';
export type { RuleText } from './detail-lines.js';
