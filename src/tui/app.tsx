import { useCallback, useEffect, useRef, useState } from 'react';
import { Box, useApp, useInput, useStdout, type Key } from 'ink';
import type { Hit } from '../engine/hit.js';
import type { HuntSummary } from '../hunt/summary.js';
import { eventsOf, type EvidenceReader, type LineageIndex } from '../lineage/index.js';
import { Header } from './components/header.js';
import { HistogramView } from './components/histogram-view.js';
import { HitList } from './components/hit-list.js';
import { LineageView } from './components/lineage-view.js';
import { StatusBar } from './components/status-bar.js';
import { TextScreen } from './components/text-screen.js';
import type { RuleText } from './detail-lines.js';
import { awaitsDocument, readDocument } from './documents.js';
import { exportHits } from './export-hits.js';
import { keyToCommand, type Command } from './keymap.js';
import { histogramRows, listRows, pageRows } from './layout.js';
import { lineageRows } from './lineage-rows.js';
import { screenLines } from './screen-lines.js';
import { initState, reduce, screen, selectedProcess, type Action, type TuiState } from './state.js';

export interface AppProps {
  readonly hits: readonly Hit[];
  readonly summary: HuntSummary;
  readonly lineage?: LineageIndex;
  /** Rule description and investigation guide by rule_id. */
  readonly rules?: Record<string, RuleText>;
  /** Export target: a .json file, or a directory for `trawl-hits-<timestamp>.json` (default cwd). */
  readonly exportPath?: string;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  readonly width?: number;
  readonly height?: number;
  /** Evidence reader for the timeline (tests); defaults to src/input's. */
  readonly read?: EvidenceReader;
  /**
   * Rules whose hits may hold only the fields the list reads (HuntOptions.hitSummary): their
   * documents are read back from the evidence when a hit is shown or exported.
   */
  readonly placed?: ReadonlySet<string>;
  /** The hunt's --max-memory: an export's read-back holds a share of it (default: the hunt's default). */
  readonly maxMemory?: number;
}

function terminalSize(stdout: NodeJS.WriteStream, props: AppProps): { width: number; height: number } {
  return {
    width: props.width ?? (stdout.columns || 80),
    // One row short of the terminal: a frame as tall as the terminal makes Ink clear the screen on every render.
    height: props.height ?? Math.max(8, (stdout.rows || 24) - 1),
  };
}

/** The whole terminal UI: hit list with histogram, hit detail, lineage, timeline, help. */
export function App(props: AppProps) {
  const { stdout } = useStdout();
  const { exit } = useApp();
  const ref = useRef<TuiState | undefined>(undefined);
  ref.current ??= initState({ ...props, ...terminalSize(stdout, props) });
  const [state, setState] = useState<TuiState>(ref.current);

  const dispatch = useCallback((a: Action) => {
    ref.current = reduce(ref.current!, a);
    setState(ref.current);
  }, []);

  useEffect(() => {
    if (props.width !== undefined && props.height !== undefined) return;
    const onResize = () => dispatch({ type: 'resize', ...terminalSize(stdout, props) });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, props.width, props.height, dispatch]);

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  // A shown hit that holds only its summary gets its document read back, once at a time per hit.
  const reading = useRef(new Set<number>());
  useEffect(() => {
    const sc = screen(state);
    if (sc.kind !== 'detail' || !awaitsDocument(state, sc.hit) || reading.current.has(sc.hit)) return;
    const hit = sc.hit;
    reading.current.add(hit);
    readDocument(state.ctx.hits[hit]!, state.ctx.placed)
      .then(
        (whole) => dispatch({ type: 'document-read', hit, read: whole }),
        (err: Error) => dispatch({ type: 'document-read', hit, read: err.message }),
      )
      .finally(() => reading.current.delete(hit));
  }, [state, dispatch]);

  const run = useCallback(
    (c: Command) => {
      const s = ref.current!;
      if (c.type === 'export') {
        dispatch({ type: 'status', text: 'exporting…' });
        exportHits(s, props.exportPath, { maxMemory: props.maxMemory }).then(
          ({ path, count }) => dispatch({ type: 'status', text: `exported ${count} hit(s) to ${path}` }),
          (err: Error) => dispatch({ type: 'status', text: `export failed: ${err.message}` }),
        );
        return;
      }
      if (c.type === 'timeline') {
        const key = selectedProcess(s);
        if (!key || !props.lineage) return;
        dispatch({ type: 'timeline-open' });
        eventsOf(props.lineage, key, { descendants: true, read: props.read }).then(
          (events) => dispatch({ type: 'timeline-loaded', key, events }),
          (err: Error) => dispatch({ type: 'timeline-failed', key, error: err.message }),
        );
        return;
      }
      dispatch(c);
    },
    [dispatch, props.exportPath, props.lineage, props.read],
  );

  const onInput = useCallback(
    (input: string, key: Key) => {
      // A paste or a fast terminal delivers several keys in one chunk ("/SystemKey"): take them
      // one at a time, following the state each key leads to, as if typed.
      const keys = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
      let s = ref.current!;
      for (const k of keys) {
        const c = keys.length > 1 ? keyToCommand(s, ...splitKey(k, key)) : keyToCommand(s, k, key);
        if (!c) continue;
        run(c);
        if (c.type !== 'export' && c.type !== 'timeline') s = reduce(s, c);
      }
    },
    [run],
  );
  useInput(onInput);

  return (
    <Box flexDirection="column" width={state.width}>
      <Body state={state} />
      <StatusBar mode={state.mode} screen={screen(state).kind} status={state.status} width={state.width} />
    </Box>
  );
}

function Body({ state: s }: { readonly state: TuiState }) {
  const sc = screen(s);
  const rows = pageRows(s.height);
  switch (sc.kind) {
    case 'list':
      return (
        <Box flexDirection="column">
          <Header summary={s.ctx.summary} bySeverity={s.ctx.bySeverity} total={s.ctx.hits.length} shown={s.visible.length} filters={s.filters} sort={s.sort} width={s.width} />
          <HistogramView histogram={s.histogram} selected={s.mode.kind === 'histogram' ? s.mode.bucket : undefined} width={s.width} perSeverity={histogramRows(s.height) > 1} />
          <HitList facts={s.ctx.facts} visible={s.visible} cursor={s.cursor} top={s.top} rows={listRows(s.height)} width={s.width} />
        </Box>
      );
    case 'lineage':
      return <LineageView rows={s.ctx.lineage ? lineageRows(s.ctx.lineage, sc.key, sc.collapsed, s.ctx.hitsByProcess) : []} cursor={sc.cursor} top={sc.top} height={rows} width={s.width} />;
    case 'timeline': {
      const name = s.ctx.lineage?.get(sc.key)?.name ?? 'process';
      const title = sc.status === 'loading' ? `Timeline of ${name} and children: loading events…` : sc.status === 'error' ? `Timeline of ${name}: ${sc.error}` : `Timeline of ${name} and children (${sc.events.length} events)`;
      return <TextScreen title={title} lines={screenLines(s, sc)} scroll={sc.scroll} rows={rows} width={s.width} />;
    }
    case 'detail':
      return <TextScreen title={`Hit detail${sc.raw ? ' (raw)' : ''}`} lines={screenLines(s, sc)} scroll={sc.scroll} rows={rows} width={s.width} />;
    case 'help':
      return <TextScreen title="Help" lines={screenLines(s, sc)} scroll={sc.scroll} rows={rows} width={s.width} />;
  }
}

/** One character of a multi-key chunk as Ink would have reported it alone. */
function splitKey(ch: string, key: Key): [string, Key] {
  if (ch === '\r' || ch === '\n') return ['', { ...key, return: true }];
  if (ch === '\x7f' || ch === '\b') return ['', { ...key, backspace: true }];
  if (ch === '\t') return ['', { ...key, tab: true }];
  return [ch, key];
}
