// SPDX-License-Identifier: Apache-2.0
#pragma once

// The generated chain squash is tested on (issue 17), shared by tests/core/squash and tests/cli. Written in C++
// rather than in tests/fixtures/*.py because its delta hives need layered keys, tombstone values and supersede
// nodes, which only core's HiveWriter writes (the Python writer makes empty hives).
//
// Five Windows layers, as go-winio's backuptar writes them (PAX attributes, rawsd, all four times):
//  0 base  Files/… config hives (SOFTWARE with Contoso\App Version=1 and Obsolete, Old\Key; SYSTEM with Setup),
//          App/a.txt (+ stream Zone.Identifier), App/keep.txt, Data/x.dat, Data/y.dat, Data/Sub/z.dat,
//          Gone/g1, Old/o1, Old/o2, base-link (hard link to App/keep.txt), an EA on App/keep.txt
//  1 delta a.txt rewritten (+ a new stream), New/n1 with an EA, New/n1-link (hard link to n1, inside the range),
//          Lnk (symbolic link), Jct (junction), deletes Gone (folder) and Data/x.dat (file); Software_Delta:
//          Version=2, new Contoso\Tool, Old\Key deleted (tombstone key); System_Delta: Setup\Stage=1
//  2 delta deletes Old and re-creates it with o3; rewrites New/n1 (so n1-link keeps the old file); cross-link
//          (hard link to App/keep.txt, below the range); Software_Delta: Obsolete deleted (tombstone value),
//          Old\Key re-created, Contoso\Tool superseded (supersede-local, drops its earlier values)
//  3 delta deletes Data/Sub (folder); a.txt rewritten again; Gone re-created as a file
//  4 delta top.txt; Software_Delta: Contoso\App Extra=1
#include "baselayer/imagepackager.h"
#include "common/base64.h"
#include "hive/hivekey.h"
#include "hive/hivewriter.h"
#include "hive/systemhives.h"
#include "io/bytesink.h"
#include "tar/tarwriter.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <filesystem>
#include <string>
#include <vector>

namespace squashchain {

using namespace layerscope;

struct Entry
{
    std::string path;
    char type = tar::typeflag::Regular;
    std::string data;
    std::string linkTarget;
    uint32_t attributes = 0x20; // ARCHIVE
    bool whiteout = false;
    bool stream = false;
    bool junction = false;
    std::string ea; // one MSWINDOWS.xattr.user.demo value when not empty
};

inline Entry dir(std::string path)
{
    return {std::move(path), tar::typeflag::Directory, {}, {}, 0x10};
}
inline Entry file(std::string path, std::string data)
{
    return {std::move(path), tar::typeflag::Regular, std::move(data)};
}
inline Entry link(std::string path, std::string target)
{
    return {std::move(path), tar::typeflag::HardLink, {}, std::move(target)};
}
inline Entry stream(std::string path, std::string data)
{
    Entry e {std::move(path), tar::typeflag::Regular, std::move(data)};
    e.stream = true;
    return e;
}
inline Entry whiteout(std::string path)
{
    Entry e {std::move(path)};
    e.whiteout = true;
    return e;
}

inline void writeLayer(io::ByteSink& sink, const std::vector<Entry>& entries, int layer)
{
    tar::TarWriter writer(sink);
    // Distinct times per layer and entry, with sub-second parts, so that a dropped or swapped time shows.
    int n = 0;
    for (const Entry& e : entries) {
        tar::TarHeader h;
        h.path = e.path;
        h.type = e.type;
        ++n;
        if (e.whiteout) {
            h.mtime = 0; // §1.4: mode 0, time 0, no Windows records
            writer.add(h);
            continue;
        }
        const wcow::PaxTime modified {1717200000 + layer * 86400 + n * 61, uint32_t(123456700 + n * 100)};
        const wcow::PaxTime created {1600000000 + layer * 3600 + n, uint32_t(500000000 + n * 100)};
        h.mtime = modified.seconds;
        h.linkPath = e.linkTarget;
        h.mode = e.type == tar::typeflag::Directory ? 040000
            : e.type == tar::typeflag::Symlink      ? ((e.attributes & 0x10) ? 0160000 : 0120000)
            : e.type == tar::typeflag::HardLink     ? 0644
                                                    : 0100000;
        if (e.type == tar::typeflag::Regular)
            h.size = e.data.size();
        if (!e.stream && e.type != tar::typeflag::HardLink) {
            h.pax.push_back({"LIBARCHIVE.creationtime", wcow::formatPaxTime(created)});
            h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(e.attributes)});
            if (e.junction)
                h.pax.push_back({"MSWINDOWS.mountpoint", "1"});
            h.pax.push_back({"MSWINDOWS.rawsd",
                             base64Encode(wcow::SecurityDescriptor::fromSddl(
                                              layer % 2 ? "O:BAG:SYD:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)"
                                                        : "O:SYG:SYD:PAI(A;;FA;;;SY)(A;;FA;;;BA)")
                                              .toBinary())});
            if (!e.ea.empty())
                h.pax.push_back({"MSWINDOWS.xattr.user.demo",
                                 base64Encode(std::span(reinterpret_cast<const uint8_t*>(e.ea.data()), e.ea.size()))});
        }
        const std::string t = wcow::formatPaxTime(modified);
        h.pax.push_back({"atime", wcow::formatPaxTime({modified.seconds + 3600, modified.nanoseconds + 7})});
        h.pax.push_back({"ctime", wcow::formatPaxTime({modified.seconds + 60, modified.nanoseconds + 3})});
        h.pax.push_back({"mtime", t});
        writer.add(h);
        if (h.size > 0)
            writer.writeData(e.data.data(), e.data.size());
    }
    writer.finish();
}

inline std::string hiveEntryData(const hive::HiveKey& root, const std::string& name)
{
    hive::HiveWriteOptions options;
    options.fileName = name;
    const std::vector<uint8_t> bytes = hive::HiveWriter::write(root, options);
    return std::string(bytes.begin(), bytes.end());
}

inline hive::HiveKey withBits(hive::HiveKey key, uint8_t bits)
{
    key.layerBits = bits;
    return key;
}

inline std::vector<std::vector<Entry>> chainLayers()
{
    const std::string config = "Files/Windows/System32/config";
    std::vector<Entry> base = {dir("Files"), dir("Files/Windows"), dir("Files/Windows/System32"), dir(config)};
    for (const char* name : {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"}) {
        hive::HiveKey root("ROOT");
        if (std::string(name) == "SOFTWARE") {
            root.path("Contoso\\App")
                .set(hive::HiveValue::string("Version", "1"))
                .set(hive::HiveValue::dword("Obsolete", 7));
            root.path("Old\\Key").set(hive::HiveValue::string("Note", "from the base"));
        }
        if (std::string(name) == "SYSTEM")
            root.path("Setup").set(hive::HiveValue::dword("Stage", 0));
        base.push_back(file(config + "/" + name, hiveEntryData(root, name)));
    }
    Entry keep = file("Files/App/keep.txt", "kept from the base");
    keep.ea = "base-ea";
    base.insert(base.end(),
                {dir("Files/App"), file("Files/App/a.txt", "a version 1"),
                 stream("Files/App/a.txt:Zone.Identifier", "[ZoneTransfer]\r\nZoneId=3\r\n"), keep, dir("Files/Data"),
                 file("Files/Data/x.dat", "x"), file("Files/Data/y.dat", "y"), dir("Files/Data/Sub"),
                 file("Files/Data/Sub/z.dat", "z"), dir("Files/Gone"), file("Files/Gone/g1", "g1"), dir("Files/Old"),
                 file("Files/Old/o1", "o1"), file("Files/Old/o2", "o2"),
                 link("Files/base-link", "Files/App/keep.txt")});

    hive::HiveKey soft1("ROOT");
    soft1.path("Contoso\\App").set(hive::HiveValue::string("Version", "2"));
    soft1.path("Contoso\\Tool").set(hive::HiveValue::string("Mode", "fast")).set(hive::HiveValue::dword("Level", 3));
    soft1.path("Old").subkeys.push_back(withBits(hive::HiveKey("Key"), 1)); // tombstone key
    hive::HiveKey sys1("ROOT");
    sys1.path("Setup").set(hive::HiveValue::dword("Stage", 1));
    Entry n1 = file("Files/New/n1", "n1 first");
    n1.ea = "new-ea";
    Entry lnk {"Files/Lnk", tar::typeflag::Symlink, {}, "App\\a.txt", 0x420};
    Entry jct {"Files/Jct", tar::typeflag::Symlink, {}, "C:\\Files\\Data", 0x410};
    jct.junction = true;
    std::vector<Entry> one = {dir("Files"),
                              dir("Files/App"),
                              file("Files/App/a.txt", "a version 2, longer"),
                              stream("Files/App/a.txt:Zone.Identifier", "[ZoneTransfer]\r\nZoneId=2\r\n"),
                              stream("Files/App/a.txt:extra", "more"),
                              dir("Files/Data"),
                              whiteout("Files/Data/.wh.x.dat"),
                              whiteout("Files/.wh.Gone"),
                              lnk,
                              jct,
                              dir("Files/New"),
                              n1,
                              link("Files/New/n1-link", "Files/New/n1"),
                              dir("Hives"),
                              file("Hives/Software_Delta", hiveEntryData(soft1, "Software_Delta")),
                              file("Hives/System_Delta", hiveEntryData(sys1, "System_Delta"))};

    hive::HiveKey soft2("ROOT");
    soft2.path("Contoso\\App").set(hive::HiveValue::deleted("Obsolete"));
    soft2.path("Contoso").subkeys.push_back(
        withBits(hive::HiveKey("Tool"), 2).set(hive::HiveValue::string("Mode", "safe"))); // supersede-local
    soft2.path("Old\\Key").set(hive::HiveValue::string("Note", "re-created"));
    std::vector<Entry> two = {dir("Files"),
                              whiteout("Files/.wh.Old"),
                              dir("Files/New"),
                              file("Files/New/n1", "n1 rewritten in layer 2"),
                              dir("Files/Old"),
                              file("Files/Old/o3", "o3"),
                              link("Files/cross-link", "Files/App/keep.txt"),
                              dir("Hives"),
                              file("Hives/Software_Delta", hiveEntryData(soft2, "Software_Delta"))};

    std::vector<Entry> three = {dir("Files"),
                                dir("Files/App"),
                                file("Files/App/a.txt", "a version 3"),
                                dir("Files/Data"),
                                whiteout("Files/Data/.wh.Sub"),
                                whiteout("Files/.wh.Gone"),
                                file("Files/Gone", "Gone is a file now"),
                                dir("Hives")};

    hive::HiveKey soft4("ROOT");
    soft4.path("Contoso\\App").set(hive::HiveValue::dword("Extra", 1));
    std::vector<Entry> four = {dir("Files"), file("Files/top.txt", "top"), dir("Hives"),
                               file("Hives/Software_Delta", hiveEntryData(soft4, "Software_Delta"))};
    return {base, one, two, three, four};
}

// Writes `layers` as an image (OCI layout with gzip layers unless `format` says otherwise) at `out`.
inline void writeChain(const std::filesystem::path& out, const std::vector<std::vector<Entry>>& layers,
                       baselayer::OutputFormat format = baselayer::OutputFormat::Oci)
{
    std::vector<baselayer::LayerToPackage> packaged;
    for (size_t i = 0; i < layers.size(); ++i)
        packaged.push_back(
            {[&layers, i](io::ByteSink& sink) { writeLayer(sink, layers[i], int(i)); }, "layer " + std::to_string(i)});
    baselayer::PackageOptions options;
    options.format = format;
    options.tag = "squash/chain:1";
    baselayer::packageImage(packaged, out, options);
}

// Writes the chain above.
inline void writeChain(const std::filesystem::path& out, baselayer::OutputFormat format = baselayer::OutputFormat::Oci)
{
    writeChain(out, chainLayers(), format);
}

} // namespace squashchain
