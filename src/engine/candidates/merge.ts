import type { Candidate } from '../compiled-rule.js';
import { compareCandidates } from './order.js';

interface Head {
  value: Candidate;
  rest: Iterator<Candidate>;
}

/**
 * K-way merge of sorted sources into one sorted stream, holding one candidate per source.
 * A binary heap keeps each step O(log k) however many runs a rule spilled.
 */
export function* mergeSorted(sources: Iterable<Candidate>[]): Generator<Candidate> {
  const heap: Head[] = [];
  try {
    for (const s of sources) {
      const rest = s[Symbol.iterator]();
      const first = rest.next();
      if (!first.done) push(heap, { value: first.value, rest });
    }
    while (heap.length) {
      const top = heap[0];
      yield top.value;
      const next = top.rest.next();
      if (next.done) {
        const last = heap.pop() as Head;
        if (heap.length) {
          heap[0] = last;
          siftDown(heap, 0);
        }
      } else {
        top.value = next.value;
        siftDown(heap, 0);
      }
    }
  } finally {
    // Stopping early (untimed tail, an evaluation error) must still close the run files.
    for (const h of heap) h.rest.return?.();
  }
}

function push(heap: Head[], h: Head): void {
  heap.push(h);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (compareCandidates(heap[parent].value, heap[i].value) <= 0) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
}

function siftDown(heap: Head[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let min = i;
    if (l < heap.length && compareCandidates(heap[l].value, heap[min].value) < 0) min = l;
    if (r < heap.length && compareCandidates(heap[r].value, heap[min].value) < 0) min = r;
    if (min === i) return;
    [heap[min], heap[i]] = [heap[i], heap[min]];
    i = min;
  }
}
