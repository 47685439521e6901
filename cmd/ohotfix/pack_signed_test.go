package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/internal/winetest"
	"github.com/ohotfix/ohotfix/payload"
)

// codeSigningCert writes a self-signed code-signing certificate and its key
// (PEM) into dir.
func codeSigningCert(t *testing.T, dir, cn string) (certPEM, keyPEM string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Contoso"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))}), 0o600)
	return certPEM, keyPEM
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func osslsigncode(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("osslsigncode", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("osslsigncode %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var calculatedDigest = regexp.MustCompile(`Calculated message digest\s*:\s*([0-9A-F]+)`)

// verifySigned runs `osslsigncode verify` (which must pass) and `ohotfix
// pack --verify` (which must report every signature with the digest
// osslsigncode calculated, matching) on file.
func verifySigned(t *testing.T, file, caFile string, nSigs int) {
	t.Helper()
	out := osslsigncode(t, "verify", "-CAfile", caFile, file)
	if !strings.Contains(out, "Number of verified signatures: "+string(rune('0'+nSigs))) {
		t.Errorf("osslsigncode verify: want %d verified signatures:\n%s", nSigs, out)
	}
	theirs := calculatedDigest.FindAllStringSubmatch(out, -1)
	r := runBinary(t, nil, "pack", "--verify", file)
	if r.status != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("pack --verify: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout, "signer CN=Contoso Test Signing,O=Contoso"); n != nSigs {
		t.Errorf("pack --verify reports %d signatures, want %d:\n%s", n, nSigs, r.stdout)
	}
	if n := strings.Count(r.stdout, "matches the file"); n != nSigs {
		t.Errorf("pack --verify: %d matching digests, want %d:\n%s", n, nSigs, r.stdout)
	}
	sigs, isPE, err := payload.Signatures(file)
	if err != nil || !isPE || len(sigs) != nSigs || len(theirs) != nSigs {
		t.Fatalf("Signatures: %d (osslsigncode %d), PE %v, %v", len(sigs), len(theirs), isPE, err)
	}
	for i, s := range sigs {
		if got := strings.ToUpper(hex.EncodeToString(s.FileDigest)); got != theirs[i][1] {
			t.Errorf("signature %d: our Authenticode digest %s, osslsigncode's %s", i+1, got, theirs[i][1])
		}
	}
}

// A Windows-stub package signed with osslsigncode (self-signed certificate
// made here) passes `osslsigncode verify` and `ohotfix pack --verify`, and
// still extracts under Wine, also after a nested second signature and
// after re-signing.
func TestPackedWindowsSignedNestedExtractsUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	testtools.LookPath(t, "osslsigncode")
	winetest.Require(t)
	stub := winetest.BuildWindowsExe(t, ".")
	work := t.TempDir()
	updates := filepath.Join(work, "updates")
	os.Mkdir(updates, 0o755)
	files := map[string][]byte{
		"ohotfix.ini": []byte("[OHotfix]\r\nOHotfixUILevel=q\r\n"),
		"fix.msp":     bytes.Repeat([]byte("not really a patch, but bytes to carry "), 20000),
		"other.mst":   make([]byte, 100_001),
	}
	rand.Read(files["other.mst"])
	for n, b := range files {
		os.WriteFile(filepath.Join(updates, n), b, 0o644)
	}
	unsigned := filepath.Join(work, "fix.exe")
	if r := runBinary(t, nil, "pack", updates, "-o", unsigned, "--stub", stub); r.status != 0 {
		t.Fatalf("pack: %d %s", r.status, r.stderr)
	}
	if r := runBinary(t, nil, "pack", "--verify", unsigned); r.status != 0 || !strings.Contains(r.stdout, "not signed") {
		t.Errorf("unsigned: %d %s", r.status, r.stdout)
	}
	cert, key := codeSigningCert(t, work, "Contoso Test Signing")
	signed := filepath.Join(work, "signed.exe")
	osslsigncode(t, "sign", "-certs", cert, "-key", key, "-n", "Contoso fix", "-in", unsigned, "-out", signed)
	verifySigned(t, signed, cert, 1)
	nested := filepath.Join(work, "nested.exe")
	osslsigncode(t, "sign", "-nest", "-h", "sha512", "-certs", cert, "-key", key, "-in", signed, "-out", nested)
	verifySigned(t, nested, cert, 2)
	resigned := filepath.Join(work, "resigned.exe")
	osslsigncode(t, "sign", "-certs", cert, "-key", key, "-in", nested, "-out", resigned)
	verifySigned(t, resigned, cert, 1)
	// A byte changed in the program (not the payload): the payload is
	// intact, but the file is not what was signed: 1620.
	code := must(os.ReadFile(signed))
	code[0x2000] ^= 1
	tampered := filepath.Join(work, "tampered.exe")
	os.WriteFile(tampered, code, 0o755)
	if r := runBinary(t, nil, "pack", "--verify", tampered); r.status != wantStatus(1620) ||
		!strings.Contains(r.stdout, "payload: intact") || !strings.Contains(r.stdout, "DOES NOT MATCH") {
		t.Errorf("program byte changed: %d\n%s", r.status, r.stdout)
	}

	p := winetest.NewPrefix(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for i, exe := range []string{signed, nested} {
		inPrefix := filepath.Join(p.Dir(), "drive_c", filepath.Base(exe))
		os.WriteFile(inPrefix, must(os.ReadFile(exe)), 0o755)
		dest := `C:\out` + string(rune('1'+i))
		out, errOut, code, err := p.Run(ctx, inPrefix, "/extract:"+dest)
		if err != nil || code != 0 {
			t.Fatalf("%s /extract under Wine: code %d err %v\n%s%s", filepath.Base(exe), code, err, out, errOut)
		}
		got := map[string][]byte{}
		for _, e := range must(os.ReadDir(p.Path(dest))) {
			got[e.Name()] = must(os.ReadFile(filepath.Join(p.Path(dest), e.Name())))
		}
		if len(got) != len(files)+1 {
			t.Errorf("%s: extracted %d files, want %d", filepath.Base(exe), len(got), len(files)+1)
		}
		for n, b := range files {
			if !bytes.Equal(got[n], b) {
				t.Errorf("%s: %s differs", filepath.Base(exe), n)
			}
		}
	}
	// A changed byte breaks the payload and the signature: 1620 from
	// pack --verify, and from the executable itself under Wine.
	b := must(os.ReadFile(nested))
	pl, _, _ := payload.Find(nested)
	b[pl.Offset+pl.Size/3] ^= 0x80
	bad := filepath.Join(p.Dir(), "drive_c", "bad.exe")
	os.WriteFile(bad, b, 0o755)
	if r := runBinary(t, nil, "pack", "--verify", bad); r.status != wantStatus(1620) || !strings.Contains(r.stdout, "DOES NOT MATCH") {
		t.Errorf("damaged signed package: %d\n%s", r.status, r.stdout)
	}
	if _, _, code, _ := p.Run(ctx, bad, `/extract:C:\out3`); code != 1620 {
		t.Errorf("damaged package under Wine: exit %d, want 1620", code)
	}
	if _, err := os.Stat(p.Path(`C:\out3`)); err == nil {
		ents, _ := os.ReadDir(p.Path(`C:\out3`))
		t.Errorf("damaged package under Wine left an extraction folder: %v", ents)
	}
}
