/**
 * Every indexed infix contained in a value, in one pass over it (Aho-Corasick, as a full
 * transition table). A route group can index hundreds of `*…*` patterns on one field
 * (command lines, paths); testing each with `includes` would cost more than the rules it spares.
 *
 * Infixes are ASCII (the index folds only ASCII patterns), so characters outside ASCII, and ASCII
 * characters no infix contains, share class 0: no match can run across them.
 */
export class InfixAutomaton {
  private readonly classes = new Uint8Array(128);
  private readonly width: number;
  private readonly next: Uint16Array | Uint32Array;
  /** Per state: itself if an infix ends there, else the nearest suffix state where one does; -1 none. */
  private readonly firstOut: Int32Array;
  /** Per state with an output: the next suffix state with an output, -1 none. */
  private readonly moreOut: Int32Array;
  private readonly outs: (number[] | undefined)[];

  /** `entries`: each infix (lower case, ASCII, non-empty) with the position it stands for. */
  constructor(entries: readonly { text: string; at: number }[]) {
    let width = 1;
    for (const { text } of entries) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 128) throw new Error(`infix outside ASCII: ${JSON.stringify(text)}`);
        if (this.classes[c] === 0) this.classes[c] = width++;
      }
    }
    this.width = width;
    // The trie, state 0 the root.
    const goto: Map<number, number>[] = [new Map()];
    const outs: (number[] | undefined)[] = [undefined];
    for (const { text, at } of entries) {
      let s = 0;
      for (let i = 0; i < text.length; i++) {
        const k = this.classes[text.charCodeAt(i)];
        let t = goto[s].get(k);
        if (t === undefined) {
          t = goto.push(new Map()) - 1;
          outs.push(undefined);
          goto[s].set(k, t);
        }
        s = t;
      }
      (outs[s] ??= []).push(at);
    }
    const states = goto.length;
    const next = (this.next = states <= 0x10000 ? new Uint16Array(states * width) : new Uint32Array(states * width));
    const fail = new Int32Array(states);
    this.firstOut = new Int32Array(states).fill(-1);
    this.moreOut = new Int32Array(states).fill(-1);
    this.outs = outs;
    // Breadth first, so a state's failure state is complete before the state itself.
    const queue: number[] = [];
    for (let k = 0; k < width; k++) {
      const t = goto[0].get(k);
      if (t !== undefined) {
        next[k] = t;
        queue.push(t);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      const f = fail[s];
      this.moreOut[s] = this.firstOut[f];
      this.firstOut[s] = outs[s] ? s : this.firstOut[f];
      for (let k = 0; k < width; k++) {
        const t = goto[s].get(k);
        if (t === undefined) next[s * width + k] = next[f * width + k];
        else {
          next[s * width + k] = t;
          fail[t] = next[f * width + k];
          queue.push(t);
        }
      }
    }
  }

  /** Appends to `found` the positions of every infix `v` contains (once per occurrence). */
  scan(v: string, found: number[]): void {
    const { classes, width, next, firstOut, moreOut, outs } = this;
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      s = next[s * width + (c < 128 ? classes[c] : 0)];
      let o = firstOut[s];
      while (o >= 0) {
        for (const at of outs[o]!) found.push(at);
        o = moreOut[o];
      }
    }
  }
}
