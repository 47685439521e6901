/* toolout.h: shared output helpers for the winetest C tools (header-only, each tool is a single
 * translation unit). Output is UTF-8 with bare "\n" line ends so the Go side can compare text
 * without caring about console code pages or CRLF translation. */
#ifndef TOOLOUT_H
#define TOOLOUT_H
#include <windows.h>
#include <msi.h>
#include <msiquery.h>
#include <stdio.h>
#include <stdlib.h>
#include <io.h>
#include <fcntl.h>

/* PATCH_READONLY is the MsiOpenDatabase persist value for reading a .msp. The SDK defines it as
 * the pointer sum MSIDBOPEN_READONLY + MSIDBOPEN_PATCHFILE, i.e. 16 WCHARs past NULL = 32 bytes;
 * spelling it out avoids integer-vs-pointer arithmetic mistakes (16 is rejected as invalid). */
#define PATCH_READONLY ((LPCWSTR)(ULONG_PTR)32)

/* out_w writes a wide string to f as UTF-8. */
static __inline void out_w(FILE *f, const WCHAR *s)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    char *buf;
    if (n <= 1)
        return;
    buf = malloc(n);
    if (!buf)
        return;
    WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, n, NULL, NULL);
    fwrite(buf, 1, n - 1, f);
    free(buf);
}

/* out_field writes a cell value escaping the characters that would break the tab-separated
 * line format (backslash, tab, CR, LF), so any cell round-trips unambiguously. */
static __inline void out_field(FILE *f, const WCHAR *s)
{
    WCHAR one[2] = {0, 0};
    for (; *s; s++) {
        switch (*s) {
        case L'\\': fputs("\\\\", f); break;
        case L'\t': fputs("\\t", f); break;
        case L'\n': fputs("\\n", f); break;
        case L'\r': fputs("\\r", f); break;
        default: one[0] = *s; out_w(f, one); break;
        }
    }
}

/* binary_mode stops the C runtime from turning "\n" into "\r\n". */
static __inline void binary_mode(void)
{
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

/* print_last_error prints Windows Installer's extended error record, if any, after a failure
 * so test logs say why (e.g. "Table File not found") rather than just a number. */
static __inline void print_last_error(const char *what, UINT code)
{
    MSIHANDLE rec = MsiGetLastErrorRecord();
    fprintf(stderr, "%s failed: %u", what, code);
    if (rec) {
        DWORD n = 0;
        WCHAR empty[1] = {0};
        if (MsiFormatRecordW(0, rec, empty, &n) == ERROR_MORE_DATA) {
            WCHAR *buf = malloc((n + 1) * sizeof(WCHAR));
            n++;
            if (buf && MsiFormatRecordW(0, rec, buf, &n) == ERROR_SUCCESS) {
                fputs(" (", stderr);
                out_w(stderr, buf);
                fputs(")", stderr);
            }
            free(buf);
        }
        MsiCloseHandle(rec);
    }
    fputs("\n", stderr);
}
#endif
