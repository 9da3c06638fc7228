// SPDX-License-Identifier: Apache-2.0
// The default hot-spot rules: where Windows images are known to carry bytes no running container needs. Kept as the
// text of a rules file (not as C++ data) so that `space --print-rules` gives users a file to copy and extend.
#include "space/hotspotrules.h"

namespace layerscope::space {

std::string_view HotSpotRules::builtinJson()
{
    return R"json({"rules": [
  {"name": "winsxs-backup", "glob": "Files/Windows/WinSxS/Backup/**",
   "reason": "component store backups kept for uninstalling updates; unused in a container"},
  {"name": "installer-patch-cache", "glob": "Files/Windows/Installer/$PatchCache$/**",
   "reason": "Windows Installer's baseline cache of patched files"},
  {"name": "update-downloads", "glob": "Files/Windows/SoftwareDistribution/Download/**",
   "reason": "Windows Update downloads left after installing"},
  {"name": "temp-folders", "globs": ["Files/Windows/Temp/**", "Files/Users/*/AppData/Local/Temp/**", "Files/Temp/**"],
   "reason": "temporary files written during the build"},
  {"name": "log-files", "glob": "**/*.log", "reason": "log files"},
  {"name": "windows-logs", "glob": "Files/Windows/Logs/**", "reason": "CBS, DISM and setup logs"},
  {"name": "package-cache", "glob": "Files/ProgramData/Package Cache/**",
   "reason": "installer bundles cached by WiX/Burn setups (Visual Studio, .NET, VC++ runtimes)"},
  {"name": "nuget-cache", "globs": ["Files/Users/*/.nuget/packages/**", "Files/Users/*/AppData/Local/NuGet/**",
                                    "Files/Windows/System32/config/systemprofile/.nuget/packages/**"],
   "reason": "NuGet package and HTTP caches of restores run during the build"},
  {"name": "npm-cache", "globs": ["Files/Users/*/AppData/Local/npm-cache/**", "Files/Users/*/AppData/Roaming/npm-cache/**"],
   "reason": "npm's download cache"}
]})json";
}

} // namespace layerscope::space
