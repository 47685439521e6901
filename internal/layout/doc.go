// Package layout holds the test that keeps the module's dependency shape:
// cmd → bootstrap → installer contract → engines → formats.
package layout
