/* mspatchapply.exe PATCH OLD NEW [FLAGS]
 *
 * Oracle for PA19 binary deltas: applies PATCH to OLD ("-" for none) with mspatcha.dll's
 * ApplyPatchToFileW(FLAGS: APPLY_OPTION_* bits, decimal or 0x hex, default 0), writing NEW.
 * Prints "apply=0" or "apply=ERROR" (the Windows error code, e.g. 0xC00E4104 for
 * ERROR_PATCH_WRONG_FILE, in hex); the exit status is that code (0 on success). */
#include <windows.h>
#include <patchapi.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, WCHAR **argv)
{
    ULONG flags = 0;
    const WCHAR *old;
    DWORD err;

    if (argc < 4 || argc > 5) {
        fputs("usage: mspatchapply PATCH OLD|- NEW [FLAGS]\n", stderr);
        return 87; /* ERROR_INVALID_PARAMETER */
    }
    if (argc == 5)
        flags = (ULONG)wcstoul(argv[4], NULL, 0);
    old = wcscmp(argv[2], L"-") ? argv[2] : NULL;
    if (ApplyPatchToFileW(argv[1], old, argv[3], flags)) {
        printf("apply=0\n");
        return 0;
    }
    err = GetLastError();
    if (err == 0)
        err = 0xFFFFFFFF; /* failed without a code: still a failure */
    printf("apply=0x%08lX\n", err);
    return (int)err;
}
