// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

#include <string>

// Each subcommand of layerscope-cli: parses its own arguments (args[0] is the command name), calls core, prints,
// and returns the process exit status (0 success, 1 "found something wrong", 2 bad input or usage).
int runInspect(const QStringList& args);
int runHive(const QStringList& args);
int runMakeBase(const QStringList& args);
int runChain(const QStringList& args);
int runTree(const QStringList& args);
int runVerify(const QStringList& args);
int runDiff(const QStringList& args);
int runScratch(const QStringList& args);
int runSpace(const QStringList& args);
int runSquash(const QStringList& args);

// Prints the chain summary of an image source (`chain`, and `inspect` given something other than one layer).
int printChain(const std::string& source, bool json, const std::string& platform);
