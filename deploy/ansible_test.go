package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/installer/lock"
	"github.com/ohotfix/ohotfix/internal/e2efixture"
	"github.com/ohotfix/ohotfix/internal/resultschema"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

// fleet is the test's controller side: the packed patch executable, the
// role, the example playbook, and the two real connections (local and SSH to
// the test's own sshd on 127.0.0.1), each host with its own admin image.
type fleet struct {
	t        *testing.T
	root     string // everything of this test
	playbook string // deploy/ansible/examples/site.yml
	roles    string
	pkg      string // the packed executable (ELF stub)
	demo     e2efixture.Demo
	ssh      sshServer
	python   string
	runs     int
}

// host is one inventory entry.
type host struct {
	name      string
	ssh       bool
	image     string // admin image folder (database image/v1.msi)
	remoteDir string // ohotfix_remote_dir
	vars      map[string]any
}

// resultPath is where the role leaves the package's result on the host.
func (h host) resultPath() string { return filepath.Join(h.remoteDir, "contoso-fix.result.json") }

func newFleet(t *testing.T) *fleet {
	testtools.LookPath(t, "ansible-playbook")
	if runtime.GOOS != "linux" {
		t.Skip("the Ansible test drives Linux hosts (admin images on file servers)")
	}
	start := time.Now()
	f := &fleet{t: t, root: t.TempDir(), demo: e2efixture.Product(t)}
	t.Logf("ohotfix built, demo product made: %s", time.Since(start).Round(time.Millisecond))
	f.ssh = startSSHD(t)
	f.python = testtools.LookPath(t, "python3")
	repo, _ := filepath.Abs("..")
	f.playbook = filepath.Join(repo, "deploy", "ansible", "examples", "site.yml")
	f.roles = filepath.Join(repo, "deploy", "ansible", "roles")

	// The update: ohotfix.ini for admin images + the patch, packed onto the
	// Linux build of ohotfix (what `ohotfix pack` makes for file servers).
	updates := filepath.Join(f.root, "contoso-fix")
	if err := e2efixture.CopyFile(f.demo.Patch, filepath.Join(updates, "fix.msp")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(updates, "ohotfix.ini"), []byte("[OHotfix]\nIsNormalUpdate=0\nOHotfixUILevel=q\nShowSuccessDialog=0\n"), 0o644)
	f.pkg = filepath.Join(f.root, "packages", "contoso-fix")
	os.MkdirAll(filepath.Dir(f.pkg), 0o755)
	if out, err := exec.Command(e2efixture.Binary(t), "pack", updates, "-o", f.pkg).CombinedOutput(); err != nil {
		t.Fatalf("pack: %v %s", err, out)
	}
	return f
}

// ansibleEnv is the environment of the test's ansible-playbook runs: its own
// empty ansible.cfg (neither /etc/ansible's nor a user's), the repository's
// roles, temp folders inside dir, no colours, no host key prompts.
func ansibleEnv(dir, roles string) []string {
	cfg := filepath.Join(dir, "ansible.cfg")
	os.WriteFile(cfg, []byte("[defaults]\n"), 0o644)
	return append(os.Environ(),
		"ANSIBLE_CONFIG="+cfg,
		"ANSIBLE_ROLES_PATH="+roles,
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_HOST_KEY_CHECKING=False",
		"ANSIBLE_PIPELINING=True",
		"ANSIBLE_DEPRECATION_WARNINGS=False",
		"ANSIBLE_LOCALHOST_WARNING=False",
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "local-tmp"),
		"ANSIBLE_REMOTE_TEMP="+filepath.Join(dir, "remote-tmp"),
	)
}

// newHost gives a host its own copy of the v1 admin image.
func (f *fleet) newHost(name string, ssh bool) host {
	dir := filepath.Join(f.root, "hosts", name)
	h := host{name: name, ssh: ssh, image: filepath.Join(dir, "image"), remoteDir: filepath.Join(dir, "deploy"), vars: map[string]any{}}
	msi := f.demo.CopyImage(f.t, h.image)
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	// Each host keeps its rerun copy (CopyFilesToRerun=1) in its own
	// folder, as separate machines would.
	h.vars["ohotfix_args"] = []string{"/admin:" + msi, "--set", "InstallerWaitSeconds=60", "--set", "RerunDir=" + filepath.Join(dir, "rerun")}
	h.vars["ohotfix_remote_dir"] = h.remoteDir
	h.vars["ohotfix_environment"] = map[string]string{"TMPDIR": tmp}
	return h
}

// outcome is what one ansible-playbook run reported.
type outcome struct {
	output  string
	recap   map[string]recap
	summary map[string]summary // the example playbook's per-host summary
	collect string             // folder of the collected JSON results
}

type recap struct{ ok, changed, unreachable, failed int }

type summary struct {
	ExitCode       *int    `json:"exit_code"`
	ExitName       *string `json:"exit_name"`
	Applied        int     `json:"applied"`
	RebootRequired bool    `json:"reboot_required"`
	Attempts       int     `json:"attempts"`
	Reason         *string `json:"reason"`
	Log            *string `json:"log"`
}

var recapLine = regexp.MustCompile(`(?m)^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)`)

// play writes the inventory and runs the example playbook over it.
func (f *fleet) play(hosts ...host) outcome {
	f.t.Helper()
	f.runs++
	run := filepath.Join(f.root, "runs", strconv.Itoa(f.runs))
	os.MkdirAll(run, 0o755)
	inv := map[string]any{}
	for _, h := range hosts {
		v := map[string]any{"ansible_python_interpreter": f.python}
		if h.ssh {
			v["ansible_connection"] = "ssh"
			v["ansible_host"] = "127.0.0.1"
			v["ansible_port"] = f.ssh.port
			v["ansible_user"] = f.ssh.user
			v["ansible_ssh_private_key_file"] = f.ssh.identity
			v["ansible_ssh_common_args"] = "-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes"
		} else {
			v["ansible_connection"] = "local"
		}
		for k, x := range h.vars {
			v[k] = x
		}
		inv[h.name] = v
	}
	o := outcome{collect: filepath.Join(run, "results")}
	doc := map[string]any{"all": map[string]any{"children": map[string]any{"ohotfix_targets": map[string]any{
		"hosts": inv,
		"vars": map[string]any{"ohotfix_package": f.pkg, "ohotfix_retries": 3, "ohotfix_retry_delay": 1,
			"ohotfix_collect_dir": o.collect},
	}}}}
	data, _ := json.MarshalIndent(doc, "", "  ") // JSON is YAML
	invPath := filepath.Join(run, "inventory.yml")
	os.WriteFile(invPath, data, 0o644)
	summaryPath := filepath.Join(run, "summary.json")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ansible-playbook", "-i", invPath, f.playbook, "-e", "ohotfix_summary_file="+summaryPath)
	cmd.Dir = run
	cmd.Env = append(ansibleEnv(run, f.roles), "ANSIBLE_SSH_CONTROL_PATH_DIR="+filepath.Join(f.root, "cp"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	f.t.Logf("ansible-playbook run %d over %d hosts: %s", f.runs, len(hosts), time.Since(start).Round(time.Millisecond))
	o.output = out.String()
	os.WriteFile(filepath.Join(run, "output.txt"), out.Bytes(), 0o644)
	if ctx.Err() != nil {
		f.t.Fatalf("ansible-playbook run %d timed out:\n%s", f.runs, o.output)
	}
	// ansible-playbook exits 2 when a host failed; that is a result here.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		f.t.Fatal(err)
	}
	o.recap = map[string]recap{}
	for _, m := range recapLine.FindAllStringSubmatch(o.output, -1) {
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		o.recap[m[1]] = recap{ok: n(2), changed: n(3), unreachable: n(4), failed: n(5)}
	}
	if sdata, err := os.ReadFile(summaryPath); err == nil {
		json.Unmarshal(sdata, &o.summary)
	}
	for _, h := range hosts {
		if _, ok := o.recap[h.name]; !ok {
			f.t.Fatalf("run %d: no recap for %s:\n%s", f.runs, h.name, o.output)
		}
		if o.recap[h.name].unreachable != 0 {
			f.t.Fatalf("run %d: %s unreachable:\n%s", f.runs, h.name, o.output)
		}
	}
	// Every result the role collected is a valid result document.
	collected, _ := filepath.Glob(filepath.Join(o.collect, "*.json"))
	for _, p := range collected {
		if err := resultschema.ValidateFile(p); err != nil {
			f.t.Errorf("run %d: %v", f.runs, err)
		}
	}
	return o
}

// collected reads the result the role collected for h.
func (o outcome) collected(t *testing.T, h host) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.collect, h.name+".json"))
	if err != nil {
		t.Fatalf("%s: no collected result: %v", h.name, err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

// failure is the role's failure message for h.
func (o outcome) failure(name string) string {
	for _, line := range strings.Split(o.output, "\n") {
		if strings.HasPrefix(line, "fatal: ["+name+"]") {
			return line
		}
	}
	return ""
}

func (f *fleet) requireV2(h host) {
	f.t.Helper()
	if differ := f.demo.NotV2(h.image); differ != nil {
		f.t.Errorf("%s: image not patched, these files differ from v2: %v", h.name, differ)
	}
}

// One ansible-playbook command patches a fleet of admin images and reports
// per host. First run, four hosts: local1 and ssh1 are patched and report
// "changed"; local2 has a damaged package and reports "failed" with
// ohotfix's reason while the others succeed; ssh2's image is held locked by
// another holder past the wait, so its first run gets 1618, the role retries
// and it succeeds once the lock is released. Second run: "ok", nothing
// changes.
func TestAnsibleRolePatchesFleet(t *testing.T) {
	f := newFleet(t)
	local1, ssh1 := f.newHost("local1", false), f.newHost("ssh1", true)
	local2, ssh2 := f.newHost("local2", false), f.newHost("ssh2", true)

	damaged := filepath.Join(f.root, "damaged", "contoso-fix")
	if err := e2efixture.CopyFile(f.pkg, damaged); err != nil {
		t.Fatal(err)
	}
	flipByte(t, damaged, 600) // inside the attached cabinet's data
	local2.vars["ohotfix_package"] = damaged
	local2Before := e2efixture.TreeHash(t, local2.image)

	ssh2.vars["ohotfix_args"] = []string{"/admin:" + filepath.Join(ssh2.image, "v1.msi"), "--set", "InstallerWaitSeconds=1",
		"--set", "RerunDir=" + filepath.Join(filepath.Dir(ssh2.image), "rerun")}
	ssh2.vars["ohotfix_retries"] = 5
	held, err := lock.AcquireFile(context.Background(), filepath.Join(ssh2.image, lock.ImageLockName), lock.Options{Timeout: lock.NoWait})
	if err != nil {
		t.Fatal(err)
	}
	saw1618 := make(chan bool, 1)
	go func() { saw1618 <- releaseAfter1618(ssh2.resultPath(), held, 80*time.Second) }()

	o := f.play(local1, ssh1, local2, ssh2)
	held.Release()
	if !<-saw1618 {
		t.Errorf("ssh2 never reported 1618 while its image was locked\n%s", o.output)
	}

	for _, h := range []host{local1, ssh1, ssh2} {
		if r := o.recap[h.name]; r.changed != 1 || r.failed != 0 {
			t.Errorf("first run, %s: %+v, want changed=1 failed=0\n%s", h.name, r, o.output)
		}
		f.requireV2(h)
		res := o.collected(t, h)
		if res["exit_code"] != float64(0) || res["mode"] != "admin" {
			t.Errorf("first run, %s: result exit_code %v mode %v", h.name, res["exit_code"], res["mode"])
		}
		s := o.summary[h.name]
		if s.ExitCode == nil || *s.ExitCode != 0 || s.Applied != 1 || s.RebootRequired || s.Log == nil {
			t.Errorf("first run, %s: facts %+v", h.name, s)
		}
		if wantOne := h.name != "ssh2"; wantOne != (s.Attempts == 1) {
			t.Errorf("first run, %s: %d attempts", h.name, s.Attempts)
		}
	}
	if s := o.summary["ssh2"]; s.Attempts < 2 {
		t.Errorf("locked image: %d attempts, want the 1618 retried", s.Attempts)
	}
	if !strings.Contains(o.output, "attempts (1618 retried)") {
		t.Errorf("the outcome does not tell the retry:\n%s", o.output)
	}
	if r := o.recap["local2"]; r.failed != 1 || r.changed != 0 {
		t.Errorf("damaged package: %+v, want failed=1\n%s", r, o.output)
	}
	if msg := o.failure("local2"); !strings.Contains(msg, "1620") || !strings.Contains(msg, "ohotfix") {
		t.Errorf("damaged package: the failure does not give ohotfix's reason (1620): %q", msg)
	}
	if e2efixture.TreeHash(t, local2.image) != local2Before {
		t.Error("the damaged package changed local2's image")
	}
	if t.Failed() {
		t.FailNow()
	}

	// Second run: already applied everywhere, nothing changes. ssh1 runs
	// the package the first run left on it (ohotfix_package_on_host).
	ssh1.vars["ohotfix_package_on_host"] = filepath.Join(ssh1.remoteDir, "contoso-fix")
	ssh1.vars["ohotfix_package"] = filepath.Join(f.root, "no-such-package") // never copied
	before := map[string]string{}
	for _, h := range []host{local1, ssh1} {
		before[h.name] = e2efixture.TreeHash(t, h.image)
	}
	o = f.play(local1, ssh1)
	for _, h := range []host{local1, ssh1} {
		if r := o.recap[h.name]; r.changed != 0 || r.failed != 0 || r.ok == 0 {
			t.Errorf("second run, %s: %+v, want ok, changed=0 failed=0\n%s", h.name, r, o.output)
		}
		if e2efixture.TreeHash(t, h.image) != before[h.name] {
			t.Errorf("second run changed %s's image", h.name)
		}
		p := o.collected(t, h)["patches"].([]any)[0].(map[string]any)
		if p["decision"] != "skip" || !strings.Contains(fmt.Sprint(p["reason"]), "already applied") {
			t.Errorf("second run, %s: patch %v", h.name, p)
		}
		if s := o.summary[h.name]; s.Applied != 0 || s.ExitCode == nil || *s.ExitCode != 0 {
			t.Errorf("second run, %s: facts %+v", h.name, s)
		}
	}
}

// releaseAfter1618 waits until the result at path says 1618 (the role's
// first run gave up waiting for the lock), then releases the lock; it
// reports whether 1618 was seen before the timeout.
func releaseAfter1618(path string, h *lock.Handle, timeout time.Duration) bool {
	defer h.Release()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			var r struct {
				ExitCode int `json:"exit_code"`
			}
			if json.Unmarshal(data, &r) == nil && r.ExitCode == 1618 {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// flipByte inverts the byte back bytes before the end of path.
func flipByte(t *testing.T, path string, back int) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-back] ^= 0xff
	os.WriteFile(path, data, 0o755)
}
