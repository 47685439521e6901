/* desktophold.exe READYFILE
 *
 * Keeps the session's desktop (Wine's "explorer /desktop" process) running, as it always is on a
 * Windows machine in use, so that a measured program does not pay for starting it: Wine starts
 * the desktop process for the first program that needs it and ends it some time after the last
 * one is gone. GetDesktopWindow returns once the desktop exists; READYFILE is then created.
 * Runs until killed (at most an hour). */
#include <windows.h>

int wmain(int argc, WCHAR **argv)
{
    HANDLE f;

    if (argc != 2)
        return 87;
    if (!GetDesktopWindow())
        return 1;
    f = CreateFileW(argv[1], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return 2;
    CloseHandle(f);
    Sleep(3600 * 1000);
    return 0;
}
