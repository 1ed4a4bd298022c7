// A Web Worker that is an ELK layout engine: elk-worker answers elk-api's messages
// (`register`, `layout`, …) on `self.onmessage`, which it installs when loaded in a worker.
// The main thread talks to it through `elkjs/lib/elk-api` (layout-client.ts).
import 'elkjs/lib/elk-worker.min.js';
