import CPlatform
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way threatdoc runs another program (`dot`, `git`, `tar`).
///
/// - Standard output and standard error are drained together (`poll`), so a chatty child can never
///   block on a full pipe while we wait on the other one.
/// - Standard input is written from its own thread, with SIGPIPE blocked on that thread: a child that
///   exits before reading everything (dot at a syntax error) fails the write with EPIPE instead of
///   killing threatdoc.
/// - The child leads a process group of its own, and the wall-clock backstop kills the whole group.
/// - An optional CPU-time limit (RLIMIT_CPU), so that whether a layout finishes does not depend on how
///   busy the machine is.
///
/// Written on posix_spawn rather than Foundation's `Process`, which can neither start a process group
/// nor wait without polling (its `waitUntilExit` ran the run loop in 50 ms slices off the main
/// thread). swift-subprocess was weighed: its API is async, and every caller here is synchronous code
/// on worker threads.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or nil when a signal ended the child.
        public var status: Int32?
        /// The signal that ended the child, if one did.
        public var signal: Int32?
        public var output: Data
        public var errors: Data
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The first `name` on PATH that can be run.
    public static func locate(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(),
                           cpuSeconds: Int? = nil, wallSeconds: Int) -> Result<Outcome, Failure> {
        var stdin: [Int32] = [-1, -1], stdout: [Int32] = [-1, -1], stderr: [Int32] = [-1, -1]
        guard threatdoc_pipe_cloexec(&stdin) == 0, threatdoc_pipe_cloexec(&stdout) == 0, threatdoc_pipe_cloexec(&stderr) == 0 else {
            for fd in stdin + stdout + stderr where fd >= 0 { close(fd) }
            return .failure(Failure(description: "cannot create pipes: \(String(cString: strerror(errno)))"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (for the backstop), default signal handling and an empty signal mask,
        // whatever this thread has blocked.
        var none = sigset_t(), pipeSignal = sigset_t()
        sigemptyset(&none)
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &pipeSignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(stdin[0])
        close(stdout[1])
        close(stderr[1])
        guard spawned == 0 else {
            close(stdin[1]); close(stdout[0]); close(stderr[0])
            return .failure(Failure(description: "\(executable) could not be started: \(String(cString: strerror(spawned)))"))
        }
        if let cpuSeconds { _ = threatdoc_limit_cpu_seconds(pid, cpuSeconds) }
        let backstop = DispatchWorkItem { kill(-pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(wallSeconds), execute: backstop)

        let writer = Thread { [input, descriptor = stdin[1]] in
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            var rest = input[...]
            while !rest.isEmpty {
                let written = rest.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 { if errno == EINTR { continue } else { break } }
                rest = rest.dropFirst(written)
            }
            close(descriptor)
        }
        writer.start()

        var output = Data(), errors = Data()
        var polled = [pollfd(fd: stdout[0], events: Int16(POLLIN), revents: 0), pollfd(fd: stderr[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while polled.contains(where: { $0.fd >= 0 }) {
            guard poll(&polled, nfds_t(polled.count), -1) >= 0 else { if errno == EINTR { continue } else { break } }
            for index in polled.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
                let count = read(polled[index].fd, &buffer, buffer.count)
                if count > 0 {
                    if index == 0 { output.append(buffer, count: count) } else { errors.append(buffer, count: count) }
                } else if count == 0 || errno != EINTR {
                    close(polled[index].fd)
                    polled[index].fd = -1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        backstop.cancel()
        let signal = status & 0x7F
        return .success(Outcome(status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                                output: output, errors: errors))
    }
}
