// SPDX-License-Identifier: Apache-2.0
// Access masks and ACE flags in the words of Windows' Advanced Security Settings, and the permission rows built from
// real descriptors: the System32 folder and a TrustedInstaller-owned system file of a Windows base image, as
// tests/fixtures/securitydescriptors.py writes them.
#include "wcow/accessrights.h"
#include "wcow/permissionentry.h"
#include "wcow/securitydescriptor.h"

#include <QtTest>

using namespace layerscope::wcow;

namespace {

constexpr const char* kTrustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";

QStringList toList(const std::vector<std::string>& names)
{
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out;
}

} // namespace

class TestAccessRights : public QObject
{
    Q_OBJECT
private slots:
    void summaryNamesTheBasicPermissions_data()
    {
        QTest::addColumn<uint>("mask");
        QTest::addColumn<bool>("directory");
        QTest::addColumn<int>("flags");
        QTest::addColumn<QString>("summary");
        QTest::newRow("FA") << 0x1f01ffu << false << 0 << "Full control";
        QTest::newRow("GA maps to full control") << 0x10000000u << true << 0x0b << "Full control";
        QTest::newRow("modify") << 0x1301bfu << false << 0 << "Modify";
        QTest::newRow("read & execute") << 0x1200a9u << false << 0 << "Read & execute";
        QTest::newRow("GXGR maps to read & execute") << 0xa0000000u << true << 0x0b << "Read & execute";
        QTest::newRow("list folder contents") << 0x1200a9u << true << 0x02 << "List folder contents";
        QTest::newRow("read & execute inherited by files too") << 0x1200a9u << true << 0x03 << "Read & execute";
        QTest::newRow("read") << 0x120089u << false << 0 << "Read";
        QTest::newRow("FR is read") << 0x120089u << true << 0 << "Read";
        QTest::newRow("write") << 0x100116u << false << 0 << "Write";
        QTest::newRow("read & write") << 0x12019fu << false << 0 << "Read & write";
        QTest::newRow("read, write & execute") << 0x1201bfu << false << 0 << "Read, write & execute";
        QTest::newRow("without SYNCHRONIZE") << 0x0f01ffu << false << 0 << "Full control";
        QTest::newRow("read data only") << 0x1u << false << 0 << "Special";
        QTest::newRow("full control plus SACL access") << 0x11f01ffu << false << 0 << "Special";
        QTest::newRow("nothing") << 0u << false << 0 << "None";
    }
    void summaryNamesTheBasicPermissions()
    {
        QFETCH(uint, mask);
        QFETCH(bool, directory);
        QFETCH(int, flags);
        QFETCH(QString, summary);
        QCOMPARE(QString::fromStdString(AccessRights::summary(mask, directory, uint8_t(flags))), summary);
    }

    void rightNamesListEachRightInTheDialogsOrder()
    {
        QCOMPARE(toList(AccessRights::rightNames(0x1200a9, true)),
                 QStringList({"Traverse folder / execute file", "List folder / read data", "Read attributes",
                              "Read extended attributes", "Read permissions"}));
        QCOMPARE(toList(AccessRights::rightNames(0x1200a9, false)),
                 QStringList(
                     {"Execute file", "Read data", "Read attributes", "Read extended attributes", "Read permissions"}));
        QCOMPARE(AccessRights::rightNames(AccessRights::kFullControl, true).size(), size_t(13));
        // A bit no file right explains is shown, not dropped.
        QCOMPARE(toList(AccessRights::rightNames(0x10000 | 0x200, false)), QStringList({"Delete", "0x200"}));
        QCOMPARE(toList(AccessRights::rightNames(0x80000000, false)),
                 QStringList({"Read data", "Read attributes", "Read extended attributes", "Read permissions"}));
    }

    void appliesToFollowsTheInheritanceFlags_data()
    {
        QTest::addColumn<int>("flags");
        QTest::addColumn<bool>("directory");
        QTest::addColumn<QString>("text");
        QTest::newRow("none") << 0 << true << "This folder only";
        QTest::newRow("OICI") << 0x03 << true << "This folder, subfolders and files";
        QTest::newRow("CI") << 0x02 << true << "This folder and subfolders";
        QTest::newRow("OI") << 0x01 << true << "This folder and files";
        QTest::newRow("OICIIO") << 0x0b << true << "Subfolders and files only";
        QTest::newRow("CIIO") << 0x0a << true << "Subfolders only";
        QTest::newRow("OIIO") << 0x09 << true << "Files only";
        QTest::newRow("OICINP") << 0x07 << true << "This folder, subfolders and files (this level only)";
        QTest::newRow("OICIID") << 0x13 << true << "This folder, subfolders and files";
        QTest::newRow("file") << 0x10 << false << "This file only";
        QTest::newRow("file, inherit only") << 0x0b << false << "Nothing (inherit-only on a file)";
    }
    void appliesToFollowsTheInheritanceFlags()
    {
        QFETCH(int, flags);
        QFETCH(bool, directory);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(AccessRights::appliesTo(uint8_t(flags), directory)), text);
    }

    void aceTypesAndControlBitsInWords()
    {
        QCOMPARE(AccessRights::aceTypeName(SecurityDescriptor::AccessAllowed), std::string("Allow"));
        QCOMPARE(AccessRights::aceTypeName(SecurityDescriptor::AccessDenied), std::string("Deny"));
        QCOMPARE(AccessRights::aceTypeName(SecurityDescriptor::SystemAudit, 0xc0),
                 std::string("Audit (success, failure)"));
        QCOMPARE(AccessRights::aceTypeName(SecurityDescriptor::AccessAllowedCallback),
                 std::string("Allow (conditional)"));
        QCOMPARE(AccessRights::aceTypeName(0x42), std::string("Unknown ACE type 0x42"));
        QCOMPARE(AccessRights::mandatoryPolicy(0x1), std::string("No write up"));
        QCOMPARE(AccessRights::mandatoryPolicy(0x3), std::string("No write up, No read up"));
        QCOMPARE(toList(AccessRights::controlNames(0x9404)),
                 QStringList({"inheritance disabled (protected DACL)", "DACL auto-inherited"}));
    }

    void system32FolderReadsLikeTheAdvancedDialog()
    {
        // System32 in a Windows Server base image (securitydescriptors.py SYSTEM32_DIR has the same ACEs).
        const std::string sddl = std::string("O:") + kTrustedInstaller + "G:" + kTrustedInstaller + "D:PAI(A;;FA;;;"
            + kTrustedInstaller + ")(A;CIIO;GA;;;" + kTrustedInstaller
            + ")(A;;0x1301bf;;;SY)(A;OICIIO;GA;;;SY)(A;;0x1301bf;;;BA)(A;OICIIO;GA;;;BA)(A;;0x1200a9;;;BU)"
              "(A;OICIIO;GXGR;;;BU)(A;OICIIO;GA;;;CO)(A;;0x1200a9;;;AC)(A;OICIIO;GXGR;;;AC)";
        const auto descriptor = SecurityDescriptor::fromSddl(sddl);
        const auto rows = PermissionEntry::listOf(descriptor, true);
        QCOMPARE(rows.size(), size_t(11));
        QCOMPARE(rows[0].principal, std::string("NT SERVICE\\TrustedInstaller"));
        QCOMPARE(rows[0].sid, std::string(kTrustedInstaller));
        QCOMPARE(rows[0].access, std::string("Full control"));
        QCOMPARE(rows[0].appliesTo, std::string("This folder only"));
        QCOMPARE(rows[1].access, std::string("Full control"));
        QCOMPARE(rows[1].appliesTo, std::string("Subfolders only"));
        QCOMPARE(rows[2].principal, std::string("NT AUTHORITY\\SYSTEM"));
        QCOMPARE(rows[2].access, std::string("Modify"));
        QCOMPARE(rows[7].principal, std::string("BUILTIN\\Users"));
        QCOMPARE(rows[7].access, std::string("Read & execute"));
        QCOMPARE(rows[7].appliesTo, std::string("Subfolders and files only"));
        QCOMPARE(rows[8].principal, std::string("CREATOR OWNER"));
        QCOMPARE(rows[9].principal, std::string("APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"));
        for (const auto& row : rows) {
            QCOMPARE(row.type, std::string("Allow"));
            QVERIFY(!row.inherited);
            QVERIFY(row.sddl.front() == '(' && row.sddl.back() == ')');
        }
        QCOMPARE(rows[6].sddl, std::string("(A;;0x1200a9;;;BU)"));
    }

    void inheritedDenyAndAuditRowsOfAFile()
    {
        const auto descriptor = SecurityDescriptor::fromSddl(
            "O:BAG:SYD:AI(D;ID;0x10000;;;WD)(A;ID;0x1200a9;;;S-1-5-21-1-2-3-1001)S:(AU;FA;FA;;;WD)");
        const auto rows = PermissionEntry::listOf(descriptor, false);
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].type, std::string("Deny"));
        QCOMPARE(rows[0].kind, PermissionEntry::Kind::Deny);
        QCOMPARE(rows[0].access, std::string("Special"));
        QCOMPARE(toList(rows[0].rights), QStringList({"Delete"}));
        QVERIFY(rows[0].inherited);
        QCOMPARE(rows[0].appliesTo, std::string("This file only"));
        // An account no well-known table names is shown by its SID.
        QCOMPARE(rows[1].principal, std::string("S-1-5-21-1-2-3-1001"));
        QCOMPARE(rows[2].list, PermissionEntry::List::Sacl);
        QCOMPARE(rows[2].type, std::string("Audit (failure)"));
        QCOMPARE(rows[2].kind, PermissionEntry::Kind::Audit);
        QCOMPARE(rows[2].principal, std::string("Everyone"));
    }

    void nullAndAbsentDaclsHaveNoRows()
    {
        QVERIFY(PermissionEntry::listOf(SecurityDescriptor::fromSddl("O:BAG:SYD:NO_ACCESS_CONTROL"), false).empty());
        QVERIFY(PermissionEntry::listOf(SecurityDescriptor::fromSddl("O:BAG:SY"), false).empty());
    }
};

QTEST_APPLESS_MAIN(TestAccessRights)
#include "tst_accessrights.moc"
