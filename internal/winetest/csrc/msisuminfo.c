/* msisuminfo.exe [-p] DB
 *
 * Prints the summary information stream of an .msi, .mst (-p not needed) or .msp (-p) as read
 * by Windows Installer's MsiGetSummaryInformationW, one "PID<TAB>value" line per property that
 * is present: strings as text (escaped like msiquery), integers in decimal, FILETIMEs as
 * "YYYY-MM-DD hh:mm:ss" (UTC). Exit status 0, or the Windows Installer error code. */
#include "toolout.h"

int wmain(int argc, WCHAR **argv)
{
    MSIHANDLE db = 0, si = 0;
    const WCHAR *path;
    UINT r, pid;
    int patch = argc == 3 && !wcscmp(argv[1], L"-p");

    binary_mode();
    if (argc != 2 && !patch) {
        fputs("usage: msisuminfo [-p] DB\n", stderr);
        return 87;
    }
    path = argv[argc - 1];
    if (patch) {
        /* A patch has no database in the .msi sense; open it as one so the stream is found. */
        r = MsiOpenDatabaseW(path, PATCH_READONLY, &db);
        if (r != ERROR_SUCCESS) {
            print_last_error("MsiOpenDatabase", r);
            return (int)r;
        }
        r = MsiGetSummaryInformationW(db, NULL, 0, &si);
    } else {
        r = MsiGetSummaryInformationW(0, path, 0, &si);
    }
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiGetSummaryInformation", r);
        if (db)
            MsiCloseHandle(db);
        return (int)r;
    }
    for (pid = 1; pid <= 19; pid++) {
        UINT type = 0;
        INT ival = 0;
        FILETIME ft;
        SYSTEMTIME st;
        WCHAR buf[4096];
        DWORD len = 4096;
        r = MsiSummaryInfoGetPropertyW(si, pid, &type, &ival, &ft, buf, &len);
        if (r != ERROR_SUCCESS || type == VT_EMPTY)
            continue;
        printf("%u\t", pid);
        switch (type) {
        case VT_I2:
        case VT_I4:
            printf("%d", ival);
            break;
        case VT_LPSTR:
            out_field(stdout, buf);
            break;
        case VT_FILETIME:
            if (FileTimeToSystemTime(&ft, &st))
                printf("%04u-%02u-%02u %02u:%02u:%02u", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute, st.wSecond);
            break;
        default:
            printf("[type %u]", type);
        }
        fputs("\n", stdout);
    }
    MsiCloseHandle(si);
    if (db)
        MsiCloseHandle(db);
    return 0;
}
