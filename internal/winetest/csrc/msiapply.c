/* msiapply.exe DB.msi T.mst OUT.msi [ERRORFLAGS]
 *
 * Oracle for transform application: copies DB to OUT, opens OUT for a transacted update, applies
 * T with MsiDatabaseApplyTransformW (ERRORFLAGS = MSITRANSFORM_ERROR_* bits, decimal or 0x hex,
 * default 0) and commits. Prints "apply=N" and "commit=N"; the exit status is the first non-zero
 * Windows Installer error code (0 on success). DB itself is never modified. */
#include "toolout.h"

int wmain(int argc, WCHAR **argv)
{
    MSIHANDLE db = 0;
    UINT r, flags = 0;

    binary_mode();
    if (argc < 4 || argc > 5) {
        fputs("usage: msiapply DB.msi T.mst OUT.msi [ERRORFLAGS]\n", stderr);
        return 87; /* ERROR_INVALID_PARAMETER */
    }
    if (argc == 5)
        flags = (UINT)wcstoul(argv[4], NULL, 0);
    if (!CopyFileW(argv[1], argv[3], FALSE)) {
        DWORD e = GetLastError();
        fprintf(stderr, "copy to output failed: %lu\n", e);
        return (int)e;
    }
    r = MsiOpenDatabaseW(argv[3], MSIDBOPEN_TRANSACT, &db);
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiOpenDatabase", r);
        return (int)r;
    }
    r = MsiDatabaseApplyTransformW(db, argv[2], flags);
    printf("apply=%u\n", r);
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiDatabaseApplyTransform", r);
        MsiCloseHandle(db);
        return (int)r;
    }
    r = MsiDatabaseCommit(db);
    printf("commit=%u\n", r);
    if (r != ERROR_SUCCESS)
        print_last_error("MsiDatabaseCommit", r);
    MsiCloseHandle(db);
    return (int)r;
}
