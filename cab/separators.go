package cab

import "strings"

// UnixSeparators reports whether the member names of files use `/` as the
// folder separator (then `\` is an ordinary character of a name), deciding
// as cabextract does, so that both extract the same paths:
//   - no `/` anywhere: MS-DOS separators (`\`);
//   - `/` and no `\`: UNIX separators;
//   - both: the first pair of consecutive names whose first folder
//     (up to and including the first slash of either kind) is the same
//     tells which slash separates; without such a pair, MS-DOS.
//
// A lone name with both kinds uses the kind that comes first.
func UnixSeparators(files []*File) bool {
	slash, backslash := false, false
	for _, f := range files {
		slash = slash || strings.Contains(f.Name, "/")
		backslash = backslash || strings.Contains(f.Name, `\`)
		if slash && backslash {
			break
		}
	}
	switch {
	case !slash:
		return false
	case !backslash:
		return true
	}
	if len(files) == 1 {
		i := strings.IndexAny(files[0].Name, `/\`)
		return files[0].Name[i] == '/'
	}
	prev := ""
	for _, f := range files {
		head := ""
		if i := strings.IndexAny(f.Name, `/\`); i >= 0 {
			head = f.Name[:i+1]
		}
		if head != "" && head == prev {
			return head[len(head)-1] == '/'
		}
		prev = head
	}
	return false
}
