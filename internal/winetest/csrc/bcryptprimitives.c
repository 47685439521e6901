/* bcryptprimitives.c: a one-export stand-in for Windows' bcryptprimitives.dll.
 *
 * Go 1.24+ windows binaries fetch random bytes with bcryptprimitives!ProcessPrng, which Wine 8
 * does not have; without it every Go program dies at start-up. ProcessPrng is documented to
 * always succeed, so we fill the buffer from advapi32's RtlGenRandom (SystemFunction036), which
 * Wine implements, in chunks because RtlGenRandom takes a 32-bit length. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
