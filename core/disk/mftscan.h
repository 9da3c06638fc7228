// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace layerscope::disk {

class NtfsTreeSink;
class NtfsVolume;

// Lists a volume by reading its MFT front to back in large pieces and decoding every file record in place
// (disk/ntfsrecord.h), then building the tree from the names' parent references: what a directory walk through
// libfsntfs gives, several times faster. File data is not read here; digests, when wanted, are read through
// libfsntfs by record number.
//
// The scan lists only a volume it can list exactly as the walk would. Returns an empty string when it has listed
// the volume into `sink`, else why it did not (nothing has been added to the sink then): a file record the $MFT's
// bitmap says is in use but which cannot be decoded, a name whose folder is missing or not a folder, an extension
// record whose base is missing, a $MFT it cannot map. The caller then walks the directories (disk/ntfswalk.h),
// which names such a record where its folder's index lists it.
std::string scanMft(const NtfsVolume& volume, NtfsTreeSink& sink);

} // namespace layerscope::disk
