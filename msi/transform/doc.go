// Package transform reads, applies, validates and generates Windows
// Installer transforms (.mst).
//
// A transform is a compound file (root CLSID {000C1082-…}) holding its own
// string pool, summary information and, per changed table, a stream of
// row-major records: a 16-bit mask, then cells laid out by the *target*
// table's column types (string ids of the transform's pool, 2 or 3 bytes as
// that pool says; i2 +0x8000; i4 ^0x80000000; binary cells a 2-byte marker
// with the data in a "Table.Key…" stream of the transform). Mask bit 0 set:
// a full row of mask>>8 leading columns (insert); clear and non-zero: an
// update carrying the key columns plus the columns whose bit is set; zero:
// a delete carrying the keys. _Tables and _Columns records create/drop
// tables and append columns and are applied first.
//
// Reading: Open / OpenStorage / FromDatabase give a *Transform with Info
// (summary: base and new product codes, versions, platform, language,
// validation and error-suppression flags). Records are decoded on demand
// with Changes(db): against db's schema, or with db == nil against the
// standard Windows Installer schemas (enough to inspect patches).
//
// Applying: Validate(db) checks the validation flags (product code,
// upgrade code, language, platform, major/minor/update version with the
// "new < <= == >= > base" relations) and returns a *NotApplicable with a
// Reason. Apply(db, suppress) changes db in memory; conditions whose flag
// is not in suppress fail with an *ApplyError.
//
// Generating: Diff(base, new, opts) computes a transform; Build encodes
// hand-made changes; WriteFile / Write / Node write it (Node for embedding
// as a patch substorage).
//
// CharCount word order: the documentation and WiX put the validation flags
// in the high word and error flags in the low word, and so do we when
// writing. Wine reads validation from the low word; SplitCharCount accepts
// transforms written that way too.
package transform
