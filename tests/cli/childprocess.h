// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs a program as a child process under conditions QProcess cannot set up, for the fault tests: a file-size limit
// (RLIMIT_FSIZE, with SIGXFSZ either killing the child at that byte or turned into EFBIG, a full disk), SIGKILL once
// the files under a folder hold N bytes, a timeout, and the child's peak memory (wait4's ru_maxrss).
//
// POSIX only (fork, setrlimit, wait4): the suites that use it QSKIP on Windows, which has none of these; the same
// promises are kept there by the same code paths (AtomicFile, SafeFolder's Win32 half), which these tests cannot
// drive.

#include <QtGlobal>

#ifdef Q_OS_UNIX

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

struct ChildOptions
{
    std::optional<uint64_t> fileSizeLimit; // RLIMIT_FSIZE in bytes
    bool fileSizeLimitIsFullDisk = false; // ignore SIGXFSZ: the write fails with EFBIG instead of killing
    std::filesystem::path killWhenFolderHolds; // SIGKILL once the regular files below it hold killAfterBytes
    uint64_t killAfterBytes = 0;
    std::filesystem::path stdinFile; // /dev/null when empty
    std::chrono::milliseconds timeout {120000};
};

struct ChildRun
{
    int exitCode = -1; // -1 when killed by a signal
    int signal = 0;
    bool timedOut = false;
    bool killedByUs = false;
    uint64_t peakRssKiB = 0;
    std::string out;
    std::string err;
};

inline uint64_t bytesBelow(const std::filesystem::path& folder)
{
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code sizeError;
        if (it->is_regular_file(sizeError))
            total += it->file_size(sizeError);
    }
    return total;
}

inline ChildRun runChild(const std::vector<std::string>& argv, const ChildOptions& options = {})
{
    ChildRun run;
    // Pipes, not files, for the child's output: RLIMIT_FSIZE would also cut a message written to a file.
    int outPipe[2];
    int errPipe[2];
    if (pipe(outPipe) != 0 || pipe(errPipe) != 0)
        return run;
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::string input = options.stdinFile.empty() ? std::string("/dev/null") : options.stdinFile.string();

    const pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls until exec.
        const int in = open(input.c_str(), O_RDONLY);
        if (in >= 0)
            dup2(in, 0);
        dup2(outPipe[1], 1);
        dup2(errPipe[1], 2);
        close(outPipe[0]);
        close(errPipe[0]);
        if (options.fileSizeLimit) {
            const rlimit limit {rlim_t(*options.fileSizeLimit), rlim_t(*options.fileSizeLimit)};
            setrlimit(RLIMIT_FSIZE, &limit);
            signal(SIGXFSZ, options.fileSizeLimitIsFullDisk ? SIG_IGN : SIG_DFL);
        }
        execv(args[0], args.data());
        _exit(127);
    }
    close(outPipe[1]);
    close(errPipe[1]);
    fcntl(outPipe[0], F_SETFL, O_NONBLOCK);
    fcntl(errPipe[0], F_SETFL, O_NONBLOCK);
    const auto drain = [&] {
        char buffer[65536];
        for (const auto& [fd, text] : {std::pair {outPipe[0], &run.out}, std::pair {errPipe[0], &run.err}})
            for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;)
                text->append(buffer, size_t(n));
    };

    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    rusage usage {};
    for (;;) {
        drain();
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (!run.killedByUs && !options.killWhenFolderHolds.empty()
            && bytesBelow(options.killWhenFolderHolds) >= options.killAfterBytes) {
            kill(pid, SIGKILL);
            run.killedByUs = true;
        }
        if (std::chrono::steady_clock::now() - start > options.timeout) {
            kill(pid, SIGKILL);
            run.timedOut = true;
            wait4(pid, &status, 0, &usage);
            break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    drain();
    close(outPipe[0]);
    close(errPipe[0]);
    if (WIFEXITED(status))
        run.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        run.signal = WTERMSIG(status);
    run.peakRssKiB = uint64_t(usage.ru_maxrss); // Linux: KiB
    return run;
}

} // namespace testsupport

#endif // Q_OS_UNIX
