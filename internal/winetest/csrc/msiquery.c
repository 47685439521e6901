/* msiquery.exe [-w] [-p] [-H] DB "SQL" ["SQL"...]
 *
 * Runs each SQL statement against DB with Windows Installer's own query engine and prints every
 * result row as one line of tab-separated cells (UTF-8, "\n"; backslash, tab, CR and LF escaped
 * as \\ \t \r \n; NULL and "" both print as an empty cell, as MSI does not tell them apart).
 * Binary (stream) cells print as "[stream N]" with their size. -H prints the column names first,
 * -w opens the database transacted and commits (for INSERT/UPDATE/DELETE), -p opens a patch
 * (.msp) read-only. Exit status: 0, or the first failing Windows Installer error code. */
#include "toolout.h"

static UINT print_header(MSIHANDLE view)
{
    MSIHANDLE rec = 0;
    UINT i, n, r = MsiViewGetColumnInfo(view, MSICOLINFO_NAMES, &rec);
    if (r != ERROR_SUCCESS)
        return r;
    n = MsiRecordGetFieldCount(rec);
    for (i = 1; i <= n; i++) {
        WCHAR buf[256];
        DWORD len = 256;
        if (i > 1)
            fputs("\t", stdout);
        if (MsiRecordGetStringW(rec, i, buf, &len) == ERROR_SUCCESS)
            out_field(stdout, buf);
    }
    fputs("\n", stdout);
    MsiCloseHandle(rec);
    return ERROR_SUCCESS;
}

/* column_is_stream reports whether result column i has type 'v' (binary stream). */
static int column_is_stream(MSIHANDLE types, UINT i)
{
    WCHAR buf[32];
    DWORD len = 32;
    if (!types || MsiRecordGetStringW(types, i, buf, &len) != ERROR_SUCCESS)
        return 0;
    return buf[0] == L'v' || buf[0] == L'V';
}

static void print_row(MSIHANDLE rec, MSIHANDLE types)
{
    UINT i, n = MsiRecordGetFieldCount(rec);
    WCHAR *buf = NULL;
    DWORD cap = 0;
    for (i = 1; i <= n; i++) {
        DWORD len;
        if (i > 1)
            fputs("\t", stdout);
        if (MsiRecordIsNull(rec, i))
            continue;
        if (column_is_stream(types, i)) {
            printf("[stream %u]", MsiRecordDataSize(rec, i));
            continue;
        }
        len = cap;
        if (MsiRecordGetStringW(rec, i, buf ? buf : L"", &len) == ERROR_MORE_DATA || !buf) {
            cap = len + 1;
            free(buf);
            buf = malloc(cap * sizeof(WCHAR));
            if (!buf)
                return;
            len = cap;
            if (MsiRecordGetStringW(rec, i, buf, &len) != ERROR_SUCCESS)
                continue;
        }
        out_field(stdout, buf);
    }
    fputs("\n", stdout);
    free(buf);
}

static UINT run_query(MSIHANDLE db, const WCHAR *sql, int header)
{
    MSIHANDLE view = 0, rec = 0, types = 0;
    UINT r = MsiDatabaseOpenViewW(db, sql, &view);
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiDatabaseOpenView", r);
        return r;
    }
    r = MsiViewExecute(view, 0);
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiViewExecute", r);
        MsiCloseHandle(view);
        return r;
    }
    /* Only SELECT views have columns; for other statements there is nothing to fetch. */
    if (MsiViewGetColumnInfo(view, MSICOLINFO_TYPES, &types) == ERROR_SUCCESS) {
        if (header && (r = print_header(view)) != ERROR_SUCCESS)
            print_last_error("MsiViewGetColumnInfo", r);
        while ((r = MsiViewFetch(view, &rec)) == ERROR_SUCCESS) {
            print_row(rec, types);
            MsiCloseHandle(rec);
        }
        if (r == ERROR_NO_MORE_ITEMS)
            r = ERROR_SUCCESS;
        else
            print_last_error("MsiViewFetch", r);
        MsiCloseHandle(types);
    }
    MsiViewClose(view);
    MsiCloseHandle(view);
    return r;
}

int wmain(int argc, WCHAR **argv)
{
    MSIHANDLE db = 0;
    LPCWSTR mode = MSIDBOPEN_READONLY;
    int i = 1, header = 0, write = 0;
    UINT r = ERROR_SUCCESS;

    binary_mode();
    for (; i < argc && argv[i][0] == L'-'; i++) {
        if (!wcscmp(argv[i], L"-w"))
            write = 1;
        else if (!wcscmp(argv[i], L"-p"))
            mode = PATCH_READONLY;
        else if (!wcscmp(argv[i], L"-H"))
            header = 1;
        else
            break;
    }
    if (argc - i < 2) {
        fputs("usage: msiquery [-w] [-p] [-H] DB SQL [SQL...]\n", stderr);
        return 87;
    }
    if (write)
        mode = MSIDBOPEN_TRANSACT;
    r = MsiOpenDatabaseW(argv[i], mode, &db);
    if (r != ERROR_SUCCESS) {
        print_last_error("MsiOpenDatabase", r);
        return (int)r;
    }
    for (i++; i < argc && r == ERROR_SUCCESS; i++)
        r = run_query(db, argv[i], header);
    if (r == ERROR_SUCCESS && write) {
        r = MsiDatabaseCommit(db);
        if (r != ERROR_SUCCESS)
            print_last_error("MsiDatabaseCommit", r);
    }
    MsiCloseHandle(db);
    return (int)r;
}
