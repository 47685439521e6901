/* wexit.exe EXITFILE COMMAND [ARGS...]
 *
 * Runs COMMAND with the rest of its own command line, verbatim, waits for it and writes the
 * child's full 32-bit exit code to EXITFILE as decimal text. Needed because `wine prog.exe`
 * reports the exit code through a Unix status, which keeps only the low 8 bits: msiexec's 1603
 * arrives as 67 and 3010 as 194. Standard handles are inherited, so output passes through. */
#include <windows.h>
#include <stdio.h>

/* skip_arg returns the position after one argument of a Windows command line, following the
 * CommandLineToArgvW rules (quotes group, 2n backslashes + quote = n backslashes + toggle,
 * 2n+1 backslashes + quote = literal quote), then skips the blanks that follow it. */
static const WCHAR *skip_arg(const WCHAR *p, int first)
{
    int quoted = 0;
    if (first && *p == L'"') {
        /* argv[0] ends at the next quote, with no escapes. */
        for (p++; *p && *p != L'"'; p++)
            ;
        if (*p)
            p++;
    } else {
        while (*p && (quoted || (*p != L' ' && *p != L'\t'))) {
            if (*p == L'\\') {
                int n = 0;
                while (*p == L'\\') {
                    n++;
                    p++;
                }
                if (*p == L'"' && (n % 2) == 1)
                    p++;
                continue;
            }
            if (*p == L'"') {
                if (quoted && p[1] == L'"')
                    p++;
                else
                    quoted = !quoted;
            }
            p++;
        }
    }
    while (*p == L' ' || *p == L'\t')
        p++;
    return p;
}

int wmain(int argc, WCHAR **argv)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 0;
    WCHAR *cmd;
    const WCHAR *rest;
    FILE *f;

    if (argc < 3) {
        fputs("usage: wexit EXITFILE COMMAND [ARGS...]\n", stderr);
        return 87;
    }
    rest = skip_arg(skip_arg(GetCommandLineW(), 1), 0);
    cmd = _wcsdup(rest); /* CreateProcessW may write into its command-line buffer */
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!cmd || !CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "wexit: cannot start command: error %lu\n", GetLastError());
        return 2;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    f = _wfopen(argv[1], L"w");
    if (!f) {
        fprintf(stderr, "wexit: cannot write exit file\n");
        return 2;
    }
    fprintf(f, "%lu\n", code);
    fclose(f);
    return (int)code;
}
