// Package msi reads and writes Windows Installer databases: packages (.msi,
// .msm), and the database parts of transforms (.mst) and patches (.msp). It
// sits on msi/cfb (compound files) and knows nothing of the installer engine.
//
// # Using a database
//
//	db, err := msi.Open("product.msi")      // reads directory, string pool, catalog
//	si, _ := db.Summary()                   // \005SummaryInformation, on first use
//	prop, _ := db.Table("Property")         // rows decoded on first use
//	row, ok := prop.Lookup("ProductVersion")
//	err = prop.Set([]any{"ProductVersion"}, "Value", "1.0.1")
//	err = db.Commit()                       // new file, renamed over the old one
//
// Open never reads table rows, binary cells or cabinets; Table, ReadStream
// and Summary do, once each. ReadSummary/ReadSummaryFile read the summary
// alone (not even the string pool). Errors are typed: *FormatError for a damaged or
// hostile database (IsInvalid also recognises compound-file errors), I/O
// errors as returned by the os package, ErrNotFound (wrapped) for a missing
// table, row or stream, *ValueError for a value that does not fit its column.
//
// # Pieces exported for transform and patch code
//
// Stream names: encodeStreamName / decodeStreamName pack and unpack MSI's
// base-64 stream names; table streams carry the 0x4840 prefix (table=true).
// Names starting with a control character (\005SummaryInformation) are
// stored unpacked.
//
// String pool: StringPool is a decoded `_StringPool`/`_StringData` pair.
// decodeStringPool(pool, data) parses raw stream bytes (code page, 2- or
// 3-byte references via LongRefs/RefWidth, holes, ≥ 64 KiB strings);
// NewStringPool + Add (which counts references) build one; Encode produces
// the two streams and sets LongRefs when more than 65,536 ids exist. ID,
// String and RefCount look strings and ids up.
//
// Column types: ColumnType is the `_Columns.Type` word, with predicates
// (IsString, IsBinary, IsInteger, IsNullable, IsKey, IsLocalizable), the cell
// Width for a given reference width, IDT codes (IDT, ParseIDTType) and
// constructors StringType, IntType, BinaryType.
//
// Tables: Column{Name, Type}; Row ([]Value); Value (Null, Int, Str,
// Binary; Kind, Int(), Str(), StreamName(), String()). decodeRows and
// encodeRows convert column-major table streams (sorted by stored key values
// on encode); rowWidth and BinaryStreamName ("Table.Key1.Key2") complete
// them. TablesSchema/ColumnsSchema give the catalog schemas.
//
// Databases: New(Package|Transform|Patch) creates an empty one; Open,
// OpenReader, FromCFB and FromStorage (a substorage such as a patch's
// transform) open one. For a Transform container, table streams are not
// decoded as tables (they hold transform records): TableStreams,
// ReadTableStream and WriteTableStream give raw access, Pool and SetPool the
// transform's own pool. Streams, ReadStream, OpenStream, WriteStream,
// DeleteStream handle other streams; Storages, OpenStorage, SetStorage
// substorages. Tree returns the compound-file tree (unchanged streams copied
// lazily from the source), Write and WriteFile write it, Commit writes back
// to the opened path. A package's pool is rebuilt at commit: ids of strings
// still in use are kept, unused ones become holes, new strings fill the
// lowest free ids, and every reference count is recounted.
//
// Summary information: SummaryInfo holds every property (PID constants, Get,
// Set, String/SetString, Int/SetInt, Time/SetTime) plus what the installer
// makes of them: Platform, Languages (Template of a package), PatchTargets
// (Template of a patch), PatchTransforms (LastSavedBy of a patch),
// PackageCode, PatchCode and ObsoletedPatches (Revision Number), ShortNames,
// Compressed, AdminImage (Word Count bits). DecodeSummaryInfo and Encode
// convert the property-set stream.
//
// IDT text: WriteIDT, WriteSummaryIDT and WriteForceCodepageIDT write exactly
// what msidump (msiinfo export) writes; Database.Export dumps a whole
// database; ParseIDT, ReadIDTFile and Database.ImportIDT read msibuild-style
// input.
//
// Strings are Go (UTF-8) strings; the pool's code page (0 = neutral, read as
// Windows-1252, 1250-1258, 932/936/949/950, 65001, ...) is applied when
// reading and writing through golang.org/x/text.
package msi
