// SPDX-License-Identifier: Apache-2.0
#include <cstdio>

int main()
{
    std::puts("layerscope-cli");
    return 0;
}
