// Package ingest is the first stage of the pipeline: it polls the
// configured sources, turns what they serve into model.Items and hands the
// new ones to a Publisher (in production the ITEMS stream).
//
// The pieces, each usable on its own:
//   - Fetcher: HTTP(S) and file:// GET with conditional requests
//     (ETag/Last-Modified), a body size cap, a timeout, a redirect limit and
//     typed errors carrying Retry-After.
//   - ToUTF8: charset detection and conversion (BOM, HTTP header, XML
//     prolog, HTML meta, then sniffing between GB18030, Big5 and
//     Windows-1252), with the XML prolog rewritten so gofeed does not
//     decode twice.
//   - Parse: RSS, Atom and JSON Feed via gofeed; HTML to plain text
//     (HTMLToText), absolute links, dates in UTC with zone-less dates read
//     as Beijing time, stable ids (ItemID).
//   - Scheduler: per-source intervals with jitter, bounded concurrency,
//     exponential backoff that never gives a source up, health kept in a
//     StateStore, Prometheus metrics.
//   - ProbeFeed: one stateless fetch and parse, for "feeds test".
package ingest
