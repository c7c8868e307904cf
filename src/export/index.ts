export { toJson, toNdjson, toCsv, hitDetail, processName, type HitFormat } from './hit-export.js';
export { formatSummary, alignTable, tableLayout, tableText, type TableLayout } from './summary-table.js';
export { writeHits, type Sink as TextSink } from './write-hits.js';
