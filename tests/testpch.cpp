// SPDX-License-Identifier: Apache-2.0
// The source the precompiled headers of the test suites are built with (tests/CMakeLists.txt); it holds nothing.
