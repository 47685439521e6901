package payload

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	_ "crypto/sha1" // digests Authenticode signatures use
	_ "crypto/sha256"
	_ "crypto/sha512"

	"github.com/smallstep/pkcs7"
)

var (
	oidNestedSignature  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidDigestAlgorithms = map[string]crypto.Hash{
		"1.3.14.3.2.26":          crypto.SHA1,
		"2.16.840.1.101.3.4.2.1": crypto.SHA256,
		"2.16.840.1.101.3.4.2.2": crypto.SHA384,
		"2.16.840.1.101.3.4.2.3": crypto.SHA512,
	}
)

// winCertPKCS7 is WIN_CERT_TYPE_PKCS_SIGNED_DATA.
const winCertPKCS7 = 0x0002

// Signature is one Authenticode signature of a PE file.
type Signature struct {
	// Nested is set for a signature carried inside another one (signtool
	// /as, osslsigncode -nest).
	Nested bool
	// Subject is the signer certificate's subject ("" when the signature
	// does not include it).
	Subject string
	Signer  *x509.Certificate
	// Hash is the digest algorithm; SignedDigest the file digest the
	// signature carries; FileDigest the one computed here.
	Hash                     crypto.Hash
	SignedDigest, FileDigest []byte
	// SignatureErr is the result of checking the signer's signature over
	// the signed attributes with its certificate (nil: it verifies). It is
	// not a trust decision: chains and revocation are Windows's to judge.
	SignatureErr error
}

// DigestMatches reports whether the file is what was signed.
func (s *Signature) DigestMatches() bool {
	return len(s.SignedDigest) > 0 && bytes.Equal(s.SignedDigest, s.FileDigest)
}

// Signatures returns the Authenticode signatures of the PE file path, the
// primary one first, then nested ones. isPE is false for other files; an
// unsigned PE file has none.
func Signatures(path string) (sigs []*Signature, isPE bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	return signatures(f, st.Size())
}

func signatures(r io.ReaderAt, size int64) (sigs []*Signature, isPE bool, err error) {
	l, isPE, err := readPELayout(r, size)
	if err != nil || !isPE || !l.signed() {
		return nil, isPE, err
	}
	table := make([]byte, l.certSize)
	if _, err := r.ReadAt(table, l.certOff); err != nil {
		return nil, true, err
	}
	var blobs [][]byte
	for len(table) >= 8 {
		n := int(binary.LittleEndian.Uint32(table))
		typ := binary.LittleEndian.Uint16(table[6:])
		if n < 8 || n > len(table) {
			return nil, true, fmt.Errorf("certificate table: entry of %d bytes in %d", n, len(table))
		}
		if typ == winCertPKCS7 {
			blobs = append(blobs, table[8:n])
		}
		table = table[min(len(table), (n+7)&^7):]
	}
	for _, b := range blobs {
		if err := parseSignature(b, false, &sigs); err != nil {
			return nil, true, err
		}
	}
	digests := map[crypto.Hash][]byte{}
	for _, s := range sigs {
		if s.Hash == 0 {
			continue
		}
		if digests[s.Hash] == nil {
			if digests[s.Hash], err = peDigest(r, size, l, s.Hash); err != nil {
				return nil, true, err
			}
		}
		s.FileDigest = digests[s.Hash]
	}
	return sigs, true, nil
}

// digestInfo is the messageDigest of SpcIndirectDataContent.
type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

// parseSignature parses one PKCS#7 SignedData and the signatures nested in
// its signer's unsigned attributes.
func parseSignature(der []byte, nested bool, out *[]*Signature) error {
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return fmt.Errorf("authenticode signature: %w", err)
	}
	s := &Signature{Nested: nested}
	*out = append(*out, s)
	// Content is the value of SpcIndirectDataContent: data, then messageDigest.
	var data asn1.RawValue
	rest, err := asn1.Unmarshal(p7.Content, &data)
	var di digestInfo
	if err == nil {
		_, err = asn1.Unmarshal(rest, &di)
	}
	if err != nil {
		return fmt.Errorf("authenticode signature: SpcIndirectDataContent: %w", err)
	}
	s.Hash = oidDigestAlgorithms[di.Algorithm.Algorithm.String()]
	s.SignedDigest = di.Digest
	if len(p7.Signers) == 0 {
		s.SignatureErr = fmt.Errorf("no signer")
		return nil
	}
	signer := p7.Signers[0]
	for _, c := range p7.Certificates {
		if c.SerialNumber.Cmp(signer.IssuerAndSerialNumber.SerialNumber) == 0 &&
			bytes.Equal(c.RawIssuer, signer.IssuerAndSerialNumber.IssuerName.FullBytes) {
			s.Signer, s.Subject = c, c.Subject.String()
		}
	}
	s.SignatureErr = p7.Verify()
	for _, a := range signer.UnauthenticatedAttributes {
		if !a.Type.Equal(oidNestedSignature) {
			continue
		}
		for rest := a.Value.Bytes; len(rest) > 0; {
			var ci asn1.RawValue
			if rest, err = asn1.Unmarshal(rest, &ci); err != nil {
				return fmt.Errorf("nested signature: %w", err)
			}
			if err := parseSignature(ci.FullBytes, true, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// peDigest computes the Authenticode digest of a PE file as Windows does:
// every byte of the file in order, except the header checksum, the
// certificate-table directory entry and the certificate table itself.
// (Windows's specification walks the sections sorted by file offset and
// then the data after the last one; for a file whose sections follow one
// another, as every linker lays them out, that is the same byte sequence.)
func peDigest(r io.ReaderAt, size int64, l peLayout, h crypto.Hash) ([]byte, error) {
	if !h.Available() {
		return nil, fmt.Errorf("digest %v not available", h)
	}
	d := h.New()
	end := size
	if l.signed() {
		end = l.certOff
	}
	for _, part := range [][2]int64{{0, l.checksumOff}, {l.checksumOff + 4, l.certDirOff}, {l.certDirOff + 8, end}} {
		if _, err := io.Copy(d, io.NewSectionReader(r, part[0], part[1]-part[0])); err != nil {
			return nil, err
		}
	}
	return d.Sum(nil), nil
}

// PEDigest is the Authenticode digest of the PE file at path.
func PEDigest(path string, h crypto.Hash) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	l, ok, err := readPELayout(f, st.Size())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s is not a PE file", path)
	}
	return peDigest(f, st.Size(), l, h)
}
