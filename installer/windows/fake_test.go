package windows

import (
	"fmt"
	"os"
	"strings"
)

// fakeMSI stands for msi.dll in unit tests. Like Windows (and Wine), it
// refuses an enumeration index that is not 0 or one above the last one.
type fakeMSI struct {
	version  string
	products []Product
	info     map[string]map[string]string // code → property → value
	patches  map[string][]string          // code → applied patch codes
	features map[string]int32             // code + "/" + feature → INSTALLSTATE
	// featureCalls records FeatureState's questions (code + "/" + feature).
	featureCalls []string

	lastProduct int64
	lastPatch   map[string]int64

	uiLevel    uint32
	uiCalls    []uint32
	logCalls   []string
	applyCalls []string
	// results are returned by successive ApplyMultiplePatches calls (the
	// last one repeats); logLines are appended to the log file on each call.
	results  []uint32
	logLines string
	logPath  string
	// sid is the user the fake process runs as.
	sid string
	// progress messages sent to the external UI handler during apply.
	messages []fakeMessage
	handler  func(uint32, string) int32
}

type fakeMessage struct {
	kind uint32
	text string
}

func newFake() *fakeMSI {
	return &fakeMSI{version: "5.0.19041", info: map[string]map[string]string{}, patches: map[string][]string{},
		features: map[string]int32{}, lastProduct: -1, lastPatch: map[string]int64{}}
}

func (f *fakeMSI) EnumProductsEx(index uint32) (Product, uint32) {
	if int64(index) != 0 && int64(index) != f.lastProduct+1 {
		return Product{}, 87 // ERROR_INVALID_PARAMETER, as Wine
	}
	f.lastProduct = int64(index)
	if int(index) >= len(f.products) {
		return Product{}, errNoMoreItems
	}
	return f.products[index], errSuccess
}

func (f *fakeMSI) ProductInfoEx(p Product, property string) (string, uint32) {
	props, ok := f.info[p.Code+"/"+contextName(p.Context)]
	if !ok {
		return "", errUnknownProduct
	}
	v, ok := props[property]
	if !ok {
		return "", errUnknownProp
	}
	return v, errSuccess
}

func (f *fakeMSI) EnumAppliedPatchesEx(p Product, index uint32) (string, uint32) {
	last, seen := f.lastPatch[p.Code]
	if index != 0 && (!seen || int64(index) != last+1) {
		return "", 87
	}
	f.lastPatch[p.Code] = int64(index)
	list := f.patches[p.Code]
	if int(index) >= len(list) {
		return "", errNoMoreItems
	}
	return list[index], errSuccess
}

func (f *fakeMSI) FeatureState(product, feature string) int32 {
	f.featureCalls = append(f.featureCalls, product+"/"+feature)
	if s, ok := f.features[product+"/"+feature]; ok {
		return s
	}
	return stateUnknown
}

func (f *fakeMSI) Version() (string, error) {
	if f.version == "" {
		return "", fmt.Errorf("no DllGetVersion")
	}
	return f.version, nil
}

func (f *fakeMSI) SetInternalUI(level uint32) uint32 {
	prev := f.uiLevel
	f.uiLevel = level
	f.uiCalls = append(f.uiCalls, level)
	return prev
}

func (f *fakeMSI) EnableLog(mode uint32, path string, attributes uint32) uint32 {
	f.logCalls = append(f.logCalls, fmt.Sprintf("%#x %s %d", mode, path, attributes))
	f.logPath = path
	return errSuccess
}

func (f *fakeMSI) SetExternalUI(handler func(uint32, string) int32, filter uint32) {
	f.handler = handler
}

func (f *fakeMSI) ApplyMultiplePatches(patches, product, properties string) uint32 {
	f.applyCalls = append(f.applyCalls, strings.Join([]string{patches, product, properties}, "|"))
	if f.handler != nil {
		for _, m := range f.messages {
			f.handler(m.kind, m.text)
		}
	}
	if f.logPath != "" && f.logLines != "" {
		if w, err := os.OpenFile(f.logPath, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			w.WriteString(f.logLines)
			w.Close()
		}
	}
	r := f.results[min(len(f.applyCalls)-1, len(f.results)-1)]
	return r
}

func (f *fakeMSI) UserSID() string { return f.sid }
