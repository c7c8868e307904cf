export { LineageIndex, MAX_EVENT_REFS } from './lineage-index.js';
export { type ProcessRecord, MAX_COMMAND_LINE, LINEAGE_KEY_FIELDS } from './record.js';
export { eventsOf, type EvidenceReader, type EventsOfOptions } from './events-of.js';
export { formatLineage, describeProcess } from './format-lineage.js';
