// Package patch reads and creates Windows Installer patch packages (.msp).
//
// A patch is a compound file (root CLSID {000C1086-…}) whose summary names
// the target product codes (Template), the transform substorages in apply
// order (LastSavedBy ":T;:#T"), the patch code followed by obsoleted patch
// codes (RevNumber) and the minimum installer (Word Count). Its root holds
// MsiPatchMetadata and MsiPatchSequence and the cabinet stream(s) with the
// new files; each target gets two transforms: T (product diff) and #T (the
// patch transform: Media row for the patch cabinet, PatchPackage,
// PatchFiles sequencing, File sequence changes).
//
// API for engines applying patches (e.g. to an administrative image):
//
//	p, err := patch.Open(path)       // *InvalidError => 1636, other errors => 1635
//	p.PatchCode, p.Obsoletes, p.Targets, p.MinInstaller, p.Metadata, p.Sequences
//	pairs, err := p.Pairs()           // []Pair{Name, Transform, PatchTransform}
//	err = pair.Transform.Validate(db) // *transform.NotApplicable{Reason}
//	err = pair.Transform.Apply(db, pair.Transform.Info.Errors)
//	applied, err := p.Apply(db)       // all of the above, as msiexec does
//	media, err := p.Media(db)         // Media rows of the patch transforms
//	cr, err := p.OpenCabinet("#PATCH_CAB")
//	keys, err := p.DeliveredFiles(db) // File keys = cabinet member names
//	files, err := p.Files(db)         // members joined with File records
//
// db may be nil in Media/Files/DeliveredFiles: records are then decoded with
// the standard table schemas. Create builds a patch from a target and an
// upgraded package: whole files, or with CreateOptions.Delta PA19 binary
// deltas (Patch rows) where smaller (create_delta.go); Deltas reads a
// patch's Patch, PatchPackage and MsiPatchHeaders rows.
package patch
