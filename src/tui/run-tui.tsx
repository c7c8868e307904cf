import { render } from 'ink';
import { App, type AppProps } from './app.js';

export type RunTuiProps = Omit<AppProps, 'width' | 'height' | 'read'>;

/** Open the interactive viewer on the terminal; resolves when the user quits. */
export async function runTui(props: RunTuiProps): Promise<void> {
  const instance = render(<App {...props} />, { exitOnCtrlC: true });
  await instance.waitUntilExit();
}
