// Package safeopen opens files for reading so that the open can never block
// and never reads without bound.
//
// A FIFO, a socket, a device or a directory where a file is expected is
// refused at once with a *NotRegularError inside an *fs.PathError
// (errors.Is(err, ErrNotRegular)):
// the path is checked with stat before it is opened, and opened so that a
// FIFO swapped in between cannot block either (O_NONBLOCK on POSIX, checked
// again on the open handle with fstat). Reading through a symbolic link is
// allowed; what counts is what the link names.
//
// Whole-file reads take an explicit limit: past it they fail with a
// *TooLargeError (errors.Is(err, ErrTooLarge)) having read at most limit+1
// bytes, so memory stays bounded whatever the input (/dev/zero, a huge file).
package safeopen
