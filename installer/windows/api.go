package windows

// MSI is the part of Windows Installer's msi.dll the client backend uses,
// one method per API call, with the API's own error numbers. The real one
// (msi_windows.go) calls msi.dll; the backend's logic is tested on every OS
// against a fake. Enumeration loops live in the backend, not here, so that
// the tests hold them to the API's rule that indices go up by exactly one.
type MSI interface {
	// EnumProductsEx is MsiEnumProductsExW over every context and every
	// user ("S-1-1-0"); it returns errNoMoreItems past the last product.
	EnumProductsEx(index uint32) (Product, uint32)
	// ProductInfoEx is MsiGetProductInfoExW for one property of p.
	ProductInfoEx(p Product, property string) (string, uint32)
	// EnumAppliedPatchesEx is MsiEnumPatchesExW for p's applied patches
	// (MSIPATCHSTATE_APPLIED); it returns errNoMoreItems past the last.
	EnumAppliedPatchesEx(p Product, index uint32) (string, uint32)
	// FeatureState is MsiQueryFeatureStateW (an INSTALLSTATE_* value).
	FeatureState(product, feature string) int32
	// Version is msi.dll's DllGetVersion as "major.minor.build".
	Version() (string, error)
	// SetInternalUI is MsiSetInternalUI; it returns the previous level.
	SetInternalUI(level uint32) uint32
	// EnableLog is MsiEnableLogW; an empty path stops logging.
	EnableLog(mode uint32, path string, attributes uint32) uint32
	// SetExternalUI is MsiSetExternalUIW with the given message filter; a
	// nil handler removes ours.
	SetExternalUI(handler func(kind uint32, message string) int32, filter uint32)
	// ApplyMultiplePatches is MsiApplyMultiplePatchesW(patches, product,
	// properties).
	ApplyMultiplePatches(patches, product, properties string) uint32
	// UserSID is the SID of the user this process runs as: per-user
	// products of other users are theirs to patch, in their session.
	UserSID() string
}

// Product is one installed product as MsiEnumProductsExW reports it.
type Product struct {
	Code    string
	Context uint32 // one of the context* values
	UserSID string // "" for per-machine products
}

// Install contexts (MSIINSTALLCONTEXT).
const (
	contextUserManaged   uint32 = 1
	contextUserUnmanaged uint32 = 2
	contextMachine       uint32 = 4
	contextAll           uint32 = contextUserManaged | contextUserUnmanaged | contextMachine
)

// contextName is the installer.Target.Context of a context value.
func contextName(c uint32) string {
	switch c {
	case contextMachine:
		return "machine"
	case contextUserManaged:
		return "user-managed"
	case contextUserUnmanaged:
		return "user-unmanaged"
	}
	return "unknown"
}

// Windows error numbers the backend acts on.
const (
	errSuccess        uint32 = 0
	errMoreData       uint32 = 234
	errNoMoreItems    uint32 = 259
	errUnknownProduct uint32 = 1605
	errUnknownProp    uint32 = 1608
	errAlreadyRunning uint32 = 1618
	errRebootInit     uint32 = 1641
	errRebootRequired uint32 = 3010
	errUserExit       uint32 = 1602
)

// INSTALLSTATE values of MsiQueryFeatureStateW.
const (
	stateInvalidArg int32 = -2
	stateUnknown    int32 = -1
	stateBroken     int32 = 0
	stateAdvertised int32 = 1
	stateAbsent     int32 = 2
	stateLocal      int32 = 3
	stateSource     int32 = 4
	stateDefault    int32 = 5
)

// featureState names an INSTALLSTATE and says whether the feature counts as
// installed: local, source and advertised features are there for the user
// (an advertised one installs on first use); absent, broken and unknown
// ones are not.
func featureState(s int32) (name string, installed bool) {
	switch s {
	case stateLocal:
		return "local", true
	case stateSource:
		return "source", true
	case stateDefault:
		return "default", true
	case stateAdvertised:
		return "advertised", true
	case stateAbsent:
		return "absent", false
	case stateBroken:
		return "broken", false
	case stateInvalidArg:
		return "invalid", false
	}
	return "unknown", false
}
