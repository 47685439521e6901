/* msiproducts.exe: lists what Windows Installer believes is installed, as tab-separated lines:
 *   product <TAB> {ProductCode} <TAB> VersionString <TAB> ProductName <TAB> LocalPackage
 *   patch   <TAB> {ProductCode} <TAB> {PatchCode} <TAB> transforms <TAB> patch LocalPackage
 * (MsiEnumProductsW, MsiGetProductInfoW, MsiEnumPatchesW, MsiGetPatchInfoW). Missing values print
 * as empty cells. Exit status 0, or the enumeration's error code. */
#include "toolout.h"

static void product_info(const WCHAR *product, const WCHAR *prop)
{
    WCHAR buf[1024];
    DWORD len = 1024;
    fputs("\t", stdout);
    if (MsiGetProductInfoW(product, prop, buf, &len) == ERROR_SUCCESS)
        out_field(stdout, buf);
}

static UINT list_patches(const WCHAR *product)
{
    DWORD j;
    UINT r;
    for (j = 0;; j++) {
        WCHAR patch[39], transforms[4096], local[1024];
        DWORD tlen = 4096, llen = 1024;
        r = MsiEnumPatchesW(product, j, patch, transforms, &tlen);
        if (r != ERROR_SUCCESS)
            break;
        fputs("patch\t", stdout);
        out_w(stdout, product);
        fputs("\t", stdout);
        out_w(stdout, patch);
        fputs("\t", stdout);
        out_field(stdout, transforms);
        fputs("\t", stdout);
        if (MsiGetPatchInfoW(patch, L"LocalPackage", local, &llen) == ERROR_SUCCESS)
            out_field(stdout, local);
        fputs("\n", stdout);
    }
    return r == ERROR_NO_MORE_ITEMS ? ERROR_SUCCESS : r;
}

int wmain(void)
{
    DWORD i;
    UINT r;
    binary_mode();
    for (i = 0;; i++) {
        WCHAR product[39];
        r = MsiEnumProductsW(i, product);
        if (r != ERROR_SUCCESS)
            break;
        fputs("product\t", stdout);
        out_w(stdout, product);
        product_info(product, L"VersionString");
        product_info(product, L"ProductName");
        product_info(product, L"LocalPackage");
        fputs("\n", stdout);
        r = list_patches(product);
        if (r != ERROR_SUCCESS) {
            fprintf(stderr, "MsiEnumPatches failed: %u\n", r);
            return (int)r;
        }
    }
    if (r != ERROR_NO_MORE_ITEMS) {
        fprintf(stderr, "MsiEnumProducts failed: %u\n", r);
        return (int)r;
    }
    return 0;
}
