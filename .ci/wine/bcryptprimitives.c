/*
 * A stand-in for Windows' bcryptprimitives.dll, for running the test suite under Wine only.
 *
 * Rust's standard library (1.78 and later) calls ProcessPrng from bcryptprimitives.dll when a
 * program starts (the random keys of HashMap). Wine 8, as Debian ships it, has no such DLL, so no
 * Rust program starts there. This one exports ProcessPrng and forwards it to RtlGenRandom
 * (advapi32's SystemFunction036), which Wine has. .ci/run builds it with MinGW and puts it in the
 * Wine prefix's system32; nothing of it ships with convene.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

/* Fills `data` with `len` random bytes. Like Windows' own, it always succeeds: RtlGenRandom is
 * not expected to fail, and if it ever did there is no sensible fallback for a test run. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
