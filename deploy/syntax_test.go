package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// syntaxCheck runs ansible-playbook --syntax-check, which parses every task
// and resolves every module name (a misspelt or missing module fails).
func syntaxCheck(t *testing.T, dir, inventory, playbook string) (string, error) {
	t.Helper()
	roles, _ := filepath.Abs(filepath.Join("ansible", "roles"))
	cmd := exec.Command("ansible-playbook", "--syntax-check", "-i", inventory, playbook)
	cmd.Dir = dir
	cmd.Env = ansibleEnv(dir, roles)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// requireCollection skips the test when the Ansible collection is not
// installed, naming the Debian package that has it (a failure under CI=true).
func requireCollection(t *testing.T, name, pkg string) {
	t.Helper()
	if name == "ansible.windows" { // Debian's ansible package; listed in scripts/test-commands.tsv
		testtools.LookPath(t, "/usr/lib/python3/dist-packages/ansible_collections/ansible/windows/FILES.json")
	}
	out, _ := exec.Command("ansible-galaxy", "collection", "list", name, "--format", "json").Output()
	if strings.Contains(string(out), `"`+name+`"`) {
		return
	}
	testtools.SkipOrFail(t, "the Ansible collection %s is missing: apt-get install %s", name, pkg)
}

// The example playbook and inventory, and every task file of the role —
// including the ones only included at run time (report.yml, windows.yml) —
// parse, and their modules exist. The Windows tasks need the ansible.windows
// collection on the controller; they cannot run here (no Windows host), so
// this is what is checked of them.
func TestAnsibleSyntax(t *testing.T) {
	testtools.LookPath(t, "ansible-playbook")
	examples, _ := filepath.Abs(filepath.Join("ansible", "examples"))
	tasks, _ := filepath.Abs(filepath.Join("ansible", "roles", "ohotfix_patch", "tasks"))
	dir := t.TempDir()
	if out, err := syntaxCheck(t, dir, filepath.Join(examples, "inventory.yml"), filepath.Join(examples, "site.yml")); err != nil {
		t.Errorf("examples/site.yml: %v\n%s", err, out)
	}
	for _, name := range []string{"main.yml", "posix.yml", "report.yml", "windows.yml"} {
		t.Run(name, func(t *testing.T) {
			play := filepath.Join(dir, "import-"+name)
			os.WriteFile(play, []byte("- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.import_tasks: "+
				filepath.Join(tasks, name)+"\n"), 0o644)
			if name == "windows.yml" {
				requireCollection(t, "ansible.windows", "ansible")
			}
			out, err := syntaxCheck(t, dir, "localhost,", play)
			if err != nil {
				t.Errorf("%v\n%s", err, out)
			}
		})
	}
}
