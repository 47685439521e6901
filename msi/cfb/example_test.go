package cfb_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// Replace one stream of an existing file and write the rest unchanged: the
// Tree's other streams are copied lazily from the original.
func ExampleReader_Tree() {
	var orig bytes.Buffer
	err := cfb.Write(&orig, &cfb.Node{Storage: true, Children: []*cfb.Node{
		{Name: "keep", Data: []byte("unchanged")},
		{Name: "T1", Storage: true, Children: []*cfb.Node{{Name: "data", Data: []byte("old")}}},
	}}, nil)
	if err != nil {
		log.Fatal(err)
	}

	r, err := cfb.NewReader(bytes.NewReader(orig.Bytes()), int64(orig.Len()))
	if err != nil {
		log.Fatal(err)
	}
	tree, err := r.Tree()
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range tree.Children {
		if n.Name == "T1" {
			n.Children[0].Source, n.Children[0].Data = nil, []byte("new content")
		}
	}
	var out bytes.Buffer
	if err := cfb.Write(&out, tree, &cfb.WriteOptions{Version: 4}); err != nil {
		log.Fatal(err)
	}

	r2, err := cfb.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		log.Fatal(err)
	}
	keep, _ := r2.ReadStream(r2.Root().Child("keep"))
	data, _ := r2.ReadStream(r2.Root().Child("T1").Child("data"))
	fmt.Printf("v%d keep=%q T1/data=%q\n", r2.Version(), keep, data)
	// Output: v4 keep="unchanged" T1/data="new content"
}
