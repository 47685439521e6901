package deploy_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// sshServer is an sshd of the test's own: its own config, host key and
// authorized key in a temp folder, listening on a free port of 127.0.0.1.
// The system's sshd and its configuration are never touched.
type sshServer struct {
	port     int
	user     string
	identity string // client private key
}

// sshdPath is sshd on PATH or, as root's PATH may lack /usr/sbin, its
// Debian path (scripts/test-commands.tsv lists both); skips, or fails in CI,
// without it.
func sshdPath(t *testing.T) string { return testtools.LookPath(t, "sshd") }

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startSSHD(t *testing.T) sshServer {
	t.Helper()
	sshd := sshdPath(t)
	keygen := testtools.LookPath(t, "ssh-keygen")
	testtools.LookPath(t, "ssh")
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, k := range []string{"host_key", "client_key"} {
		if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "ohotfix-test", "-f", filepath.Join(dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v %s", err, out)
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, "client_key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600)
	if os.Geteuid() == 0 {
		// sshd's privilege separation needs this (empty) folder; Debian's
		// own service creates it at start, a test-run sshd may find none.
		os.MkdirAll("/run/sshd", 0o755)
	}
	port := freePort(t)
	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile none
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers %s
Subsystem sftp internal-sftp
LogLevel ERROR
`, port, filepath.Join(dir, "host_key"), filepath.Join(dir, "authorized_keys"), u.Username)
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte(config), 0o600)
	if out, err := exec.Command(sshd, "-t", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t: %v %s", err, out)
	}
	cmd := exec.Command(sshd, "-D", "-e", "-f", cfg)
	logFile, _ := os.Create(filepath.Join(dir, "sshd.log"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			banner, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(banner, "SSH-") {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
			t.Fatalf("sshd did not start on port %d: %s", port, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return sshServer{port: port, user: u.Username, identity: filepath.Join(dir, "client_key")}
}
