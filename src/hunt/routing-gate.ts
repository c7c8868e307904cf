import type { Scanner } from '../engine/scanner.js';
import { fieldProjector, type FieldProjector, type LineGate } from '../input/line-gate.js';
import { hitParts } from '../input/ndjson-lines.js';

/** Lines the gate is timed on before it decides whether it pays for itself. */
const TRIAL_LINES = 2048;
/** The first lines of a trial warm up the JIT and the router's caches: not timed. */
const WARM_UP_LINES = 256;
/** Every this many trial lines, a whole parse is timed too, for what a screened line spares. */
const PARSE_SAMPLE_EVERY = 8;
/** How much more a parse must spare than the projection costs for the gate to stay. */
const MARGIN = 1.25;
/** Decisions remembered by projection text; the memo starts afresh when it holds this many. */
const MEMO_SIZE = 8192;
/** Past this share of lines admitted after this many timed lines, the gate cannot pay: it opens early. */
const HOPELESS_ADMITTED = 0.9;
const HOPELESS_AFTER = 256;

/**
 * Screens out, before parsing, the lines that meet no rule: the scanner's router decides on the
 * line's projection to the fields it reads (and, for the lineage index, the fields it reads).
 * Whether that pays depends on the rules and the evidence: with the whole Elastic corpus every
 * event meets some rule; with a pack of a few rules (or another platform's) most lines are never
 * parsed. So the gate times itself on the first lines — its own cost per line against a parse's —
 * and opens for good when screening lines out would not make up for projecting every line.
 * Results are the same either way.
 */
export class RoutingGate implements LineGate {
  /** Lines screened out so far. */
  screened = 0;
  private seen = 0;
  private open = false;
  /** Trial timings (ms per line): medians, since a GC pause inside one would skew a mean. */
  private readonly gateMs: number[] = [];
  private readonly parseMs: number[] = [];
  private trialScreened = 0;
  /**
   * By the projector's number for a projection text (see FieldProjector.see): the stand-in
   * document of its lines, null when it meets a rule, UNKEPT when its document was not kept.
   * Evidence repeats itself (the same command on many hosts): ~70 % of a bench file's lines
   * project to a text seen before, whose routing is the same, so they skip JSON.parse and the
   * router.
   */
  private readonly known: (Record<string, unknown> | null)[] = [];

  /**
   * @param keepDocuments whether a screened line's event needs its projection as its document
   *   (the lineage index reads it); otherwise every screened event shares one empty document.
   */
  constructor(
    private readonly projector: FieldProjector,
    private readonly scanner: Scanner,
    private readonly keepDocuments: boolean,
  ) {}

  /** Whether the gate has stopped judging lines (it did not pay, or never could). */
  get isOpen(): boolean {
    return this.open;
  }

  screen(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined {
    if (this.open) return undefined;
    if (this.seen >= TRIAL_LINES) return this.judge(this.projector.see(buf, start, end));
    return this.trial(buf, start, end);
  }

  /** The stand-in document when the projected line meets no rule, else undefined (parse it). */
  private judge(seen: string | number | undefined): Record<string, unknown> | undefined {
    if (seen === undefined) return undefined;
    let doc: Record<string, unknown> | null;
    if (typeof seen === 'number') {
      doc = this.known[seen] ?? null;
      if (doc === UNKEPT) return undefined;
    } else {
      // Its place is taken first, as "parse it": should deciding throw, the numbers still agree.
      const at = this.known.push(null) - 1;
      doc = this.decide(JSON.parse(seen) as Record<string, unknown>);
      // A projection with the lineage fields names its process (entity id, pid, times): it hardly
      // ever repeats, and 8,192 kept documents cost ~70 MB of RSS for nothing. A repeat is parsed.
      this.known[at] = this.keepDocuments && doc !== null ? UNKEPT : doc;
      if (this.known.length >= MEMO_SIZE) {
        this.projector.forget();
        this.known.length = 0;
      }
    }
    if (doc === null) return undefined;
    this.screened++;
    return doc;
  }

  private decide(projected: Record<string, unknown>): Record<string, unknown> | null {
    const hit = hitParts(projected);
    const doc = hit?.doc ?? projected;
    if (this.scanner.meetsAnyRule(doc, hit?.index)) return null;
    return this.keepDocuments ? doc : NOTHING;
  }

  private trial(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined {
    const seen = ++this.seen;
    if (seen <= WARM_UP_LINES) return this.judge(this.projector.see(buf, start, end));
    // Timed whole, routing included: a new route key's rule selection costs milliseconds, but it
    // happens for few lines and once either way, and medians leave such lines out.
    const t0 = performance.now();
    const out = this.judge(this.projector.see(buf, start, end));
    this.gateMs.push(performance.now() - t0);
    if (out !== undefined) this.trialScreened++;
    if (seen % PARSE_SAMPLE_EVERY === 0) {
      const t2 = performance.now();
      try {
        JSON.parse(buf.toString('utf8', start, end));
      } catch {
        // timed all the same: the ordinary path will report it
      }
      this.parseMs.push(performance.now() - t2);
    }
    const timed = seen - WARM_UP_LINES;
    if (timed === HOPELESS_AFTER && timed - this.trialScreened > HOPELESS_ADMITTED * timed) this.open = true;
    if (seen === TRIAL_LINES) {
      // Per line: the gate costs a projection and its route (a memo hit for most lines); a
      // screened line spares a decode and parse. The margin covers the admitted lines' second route.
      const spared = (this.trialScreened / timed) * median(this.parseMs);
      this.open = spared < MARGIN * median(this.gateMs);
      this.gateMs.length = 0;
      this.parseMs.length = 0;
    }
    return out;
  }
}

/** The document of screened events nobody reads. */
const NOTHING: Record<string, unknown> = Object.freeze({});
/** In the memo: the projection met no rule, but its document was not kept (see judge). */
const UNKEPT: Record<string, unknown> = Object.freeze({});

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * A gate for `scanner`'s rules, or undefined without the native reader. The projection of a
 * screened line also carries `alsoFields` (what another consumer of every event reads).
 */
export function routingGate(scanner: Scanner, alsoFields: readonly string[] = []): RoutingGate | undefined {
  const projector = fieldProjector([...new Set([...scanner.routedFields(), ...alsoFields])]);
  return projector && new RoutingGate(projector, scanner, alsoFields.length > 0);
}
