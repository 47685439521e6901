//go:build windows

package windows

import (
	"fmt"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// msi.dll's entry points, loaded on first use from the system directory.
var (
	msiDLL                       = windows.NewLazySystemDLL("msi.dll")
	procMsiEnumProductsExW       = msiDLL.NewProc("MsiEnumProductsExW")
	procMsiGetProductInfoExW     = msiDLL.NewProc("MsiGetProductInfoExW")
	procMsiEnumPatchesExW        = msiDLL.NewProc("MsiEnumPatchesExW")
	procMsiQueryFeatureStateW    = msiDLL.NewProc("MsiQueryFeatureStateW")
	procMsiSetInternalUI         = msiDLL.NewProc("MsiSetInternalUI")
	procMsiEnableLogW            = msiDLL.NewProc("MsiEnableLogW")
	procMsiSetExternalUIW        = msiDLL.NewProc("MsiSetExternalUIW")
	procMsiApplyMultiplePatchesW = msiDLL.NewProc("MsiApplyMultiplePatchesW")
	procDllGetVersion            = msiDLL.NewProc("DllGetVersion")
)

// everyone is the user SID that makes MsiEnumProductsExW list the products
// of all users.
const everyone = "S-1-1-0"

const msiPatchStateApplied = 1

// systemMSI is the MSI interface over the real msi.dll.
type systemMSI struct{}

// loadMSI loads msi.dll (once; later calls return at once).
func loadMSI() error {
	if err := msiDLL.Load(); err != nil {
		return fmt.Errorf("load msi.dll: %w", err)
	}
	return nil
}

// str16 is a NUL-terminated UTF-16 copy of s, or nil for "" (the APIs take
// NULL for "not given").
func str16(s string) *uint16 {
	if s == "" {
		return nil
	}
	p, err := windows.UTF16PtrFromString(s)
	if err != nil { // an embedded NUL: pass what precedes it
		p, _ = windows.UTF16PtrFromString("")
	}
	return p
}

func (systemMSI) EnumProductsEx(index uint32) (Product, uint32) {
	var code [39]uint16
	var ctx uint32
	sid := make([]uint16, 256)
	for {
		n := uint32(len(sid))
		r, _, _ := procMsiEnumProductsExW.Call(0, uintptr(unsafe.Pointer(str16(everyone))), uintptr(contextAll),
			uintptr(index), uintptr(unsafe.Pointer(&code[0])), uintptr(unsafe.Pointer(&ctx)),
			uintptr(unsafe.Pointer(&sid[0])), uintptr(unsafe.Pointer(&n)))
		if uint32(r) == errMoreData && int(n) >= len(sid) {
			sid = make([]uint16, n+2)
			continue
		}
		if uint32(r) != errSuccess {
			return Product{}, uint32(r)
		}
		return Product{Code: windows.UTF16ToString(code[:]), Context: ctx, UserSID: windows.UTF16ToString(sid)}, errSuccess
	}
}

// userSID is the SID argument for a product's context: NULL for per-machine
// products, as the API demands.
func userSID(p Product) *uint16 {
	if p.Context == contextMachine {
		return nil
	}
	return str16(p.UserSID)
}

func (systemMSI) ProductInfoEx(p Product, property string) (string, uint32) {
	buf := make([]uint16, 260)
	for {
		n := uint32(len(buf))
		r, _, _ := procMsiGetProductInfoExW.Call(uintptr(unsafe.Pointer(str16(p.Code))), uintptr(unsafe.Pointer(userSID(p))),
			uintptr(p.Context), uintptr(unsafe.Pointer(str16(property))), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
		if uint32(r) == errMoreData && int(n) >= len(buf) {
			buf = make([]uint16, n+2)
			continue
		}
		if uint32(r) != errSuccess {
			return "", uint32(r)
		}
		return windows.UTF16ToString(buf), errSuccess
	}
}

func (systemMSI) EnumAppliedPatchesEx(p Product, index uint32) (string, uint32) {
	var patch, target [39]uint16
	var ctx uint32
	sid := make([]uint16, 256)
	n := uint32(len(sid))
	r, _, _ := procMsiEnumPatchesExW.Call(uintptr(unsafe.Pointer(str16(p.Code))), uintptr(unsafe.Pointer(userSID(p))),
		uintptr(p.Context), msiPatchStateApplied, uintptr(index), uintptr(unsafe.Pointer(&patch[0])),
		uintptr(unsafe.Pointer(&target[0])), uintptr(unsafe.Pointer(&ctx)), uintptr(unsafe.Pointer(&sid[0])), uintptr(unsafe.Pointer(&n)))
	if uint32(r) != errSuccess {
		return "", uint32(r)
	}
	return windows.UTF16ToString(patch[:]), errSuccess
}

func (systemMSI) FeatureState(product, feature string) int32 {
	r, _, _ := procMsiQueryFeatureStateW.Call(uintptr(unsafe.Pointer(str16(product))), uintptr(unsafe.Pointer(str16(feature))))
	return int32(r)
}

// dllVersionInfo is DLLVERSIONINFO (shlwapi.h).
type dllVersionInfo struct {
	size, major, minor, build, platform uint32
}

func (systemMSI) Version() (string, error) {
	if err := procDllGetVersion.Find(); err != nil {
		return "", err
	}
	vi := dllVersionInfo{size: uint32(unsafe.Sizeof(dllVersionInfo{}))}
	hr, _, _ := procDllGetVersion.Call(uintptr(unsafe.Pointer(&vi)))
	if int32(hr) < 0 {
		return "", fmt.Errorf("DllGetVersion: HRESULT 0x%08X", uint32(hr))
	}
	return fmt.Sprintf("%d.%d.%d", vi.major, vi.minor, vi.build), nil
}

func (systemMSI) SetInternalUI(level uint32) uint32 {
	r, _, _ := procMsiSetInternalUI.Call(uintptr(level), 0)
	return uint32(r)
}

func (systemMSI) EnableLog(mode uint32, path string, attributes uint32) uint32 {
	r, _, _ := procMsiEnableLogW.Call(uintptr(mode), uintptr(unsafe.Pointer(str16(path))), uintptr(attributes))
	return uint32(r)
}

func (systemMSI) ApplyMultiplePatches(patches, product, properties string) uint32 {
	r, _, _ := procMsiApplyMultiplePatchesW.Call(uintptr(unsafe.Pointer(str16(patches))),
		uintptr(unsafe.Pointer(str16(product))), uintptr(unsafe.Pointer(str16(properties))))
	return uint32(r)
}

// The external UI handler: Windows Installer calls one C function pointer;
// it is created once (callbacks are never freed) and forwards to the
// handler of the moment.
var (
	uiCallbackOnce sync.Once
	uiCallback     uintptr
	uiMu           sync.Mutex
	uiHandler      func(kind uint32, message string) int32
)

func (systemMSI) SetExternalUI(handler func(kind uint32, message string) int32, filter uint32) {
	uiCallbackOnce.Do(func() {
		uiCallback = windows.NewCallback(func(context uintptr, kind uint32, message *uint16) uintptr {
			uiMu.Lock()
			h := uiHandler
			uiMu.Unlock()
			if h == nil {
				return 0
			}
			return uintptr(h(kind, windows.UTF16PtrToString(message)))
		})
	})
	uiMu.Lock()
	uiHandler = handler
	uiMu.Unlock()
	if handler == nil {
		procMsiSetExternalUIW.Call(0, 0, 0)
		return
	}
	procMsiSetExternalUIW.Call(uiCallback, uintptr(filter), 0)
}

func (systemMSI) UserSID() string {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return ""
	}
	return u.User.Sid.String()
}

// Preload loads msi.dll in the background of whatever the caller does next
// (reading the command line, ohotfix.ini, opening logs, the patches):
// loading it and initialising the DLLs it imports is a large part of a small
// patch's run (~80-130 ms under Wine).
//
// The load runs on a thread of its own that Go's scheduler does not know:
// CreateThread starting at LoadLibraryW, whose signature is a thread
// routine's. From a goroutine, the load (a blocking system call) made the
// scheduler hand that goroutine's processor to a new OS thread, whose start
// waits for the loader lock the load holds; the main goroutine then found no
// processor after its next system call and waited for msi.dll after all.
// msiDLL.Load later returns the same module.
//
// LoadLibraryW would look for msi.dll's own imports in the program's folder
// first (often Downloads or a share, where a DLL could be planted), so the
// process's DLL search is restricted to System32 first, as Go's lazy system
// DLLs restrict theirs; where that fails, the load goes through msiDLL.
// Preload runs once.
func Preload() { preloadOnce.Do(preload) }

var preloadOnce sync.Once

func preload() {
	err := windows.SetDefaultDllDirectories(windows.LOAD_LIBRARY_SEARCH_SYSTEM32)
	var dir string
	if err == nil {
		dir, err = windows.GetSystemDirectory()
	}
	if err == nil {
		preloadPath, err = windows.UTF16PtrFromString(filepath.Join(dir, "msi.dll"))
	}
	if err == nil && procCreateThread.Find() == nil && procLoadLibraryW.Find() == nil {
		h, _, _ := procCreateThread.Call(0, 0, procLoadLibraryW.Addr(), uintptr(unsafe.Pointer(preloadPath)), 0, 0)
		if h != 0 {
			windows.CloseHandle(windows.Handle(h))
			return
		}
	}
	go msiDLL.Load()
}

var (
	kernel32         = windows.NewLazySystemDLL("kernel32.dll")
	procCreateThread = kernel32.NewProc("CreateThread")
	procLoadLibraryW = kernel32.NewProc("LoadLibraryW")
	// preloadPath is msi.dll's path for Preload's thread; a package
	// variable, so it stays alive (and in place) while the thread reads it.
	preloadPath *uint16
)
