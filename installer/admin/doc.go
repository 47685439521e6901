// Package admin builds and patches Windows Installer administrative images —
// what `msiexec /a PRODUCT.msi` and `msiexec /a IMAGE.msi /p PATCH.msp` do —
// with the native msi, cab and patch engines, on any OS.
//
// An administrative image is a folder holding the product's files
// uncompressed, laid out along the *source* halves of the Directory table's
// DefaultDir values, plus a copy of the package database whose Word Count says
// "administrative image" (value 4), "short names" (value 1) when the image
// uses 8.3 names, and no longer "compressed" (value 2), whose Media rows name
// no cabinet, and which holds no cabinet stream (see Create). The database
// also gets the table OhotfixAdminPatch (AppliedPatchTable) once patched.
//
// Patching an image (ApplyPatch) is a transaction over the image folder:
// every new file and the new database are first staged in a private folder
// inside the image (same file system, so renames are atomic), then a journal
// naming every planned change is written and synced, then the originals are
// moved aside and the staged files renamed into place, then a commit marker
// is written and the saved originals deleted. Recover, run before every
// operation under the image lock, undoes a journal without a commit marker
// and finishes one with it, so after a crash at any point the image is either
// wholly the old one or wholly the new one. Files the patch does not deliver
// are never opened, except the baselines of binary deltas (Patch table
// rows, see deltas.go): every one is checked (size and CRC) before anything
// is staged — a wrong one refuses the update with 1642, the image unchanged
// — and the new file is decoded from it into the staging folder, so it is
// part of the same transaction. Folders of the image that are symbolic links are
// refused, never written through (the files would land outside the image).
// An image database given through a symbolic link is resolved: the real
// database and its folder are updated, the link stays a link.
//
// The error of ApplyPatch says what the image is: nil, the new image (a
// cleanup that failed after the commit leaves leftovers, named in a warning
// and removed by the next run); 1603, or 1632 when a disk was full, the old
// image, every change undone; a *RollbackFailedError (1603, its own message),
// neither — the journal stays, PendingUpdate shows it, and the next run
// finishes the rollback. Before staging, the engine refuses with 1632 when
// the image folder lacks the space EstimateApplySpace computes.
//
// Test-only hooks (envhooks.go): OHOTFIX_TEST_CRASH_AT=N kills the process
// right before its Nth journaled file operation (staged write, journal write,
// rename, removal), OHOTFIX_TEST_FAULT_AT=N:ENOSPC|EACCES[:sticky] fails it.
// They act only in the package's tests and in binaries built with the
// ohotfix_testhooks build tag; release builds do not link them.
package admin
