#if canImport(Glibc)
import Glibc
#endif

/// A user resolved through NSS on the server side, so the executor (a static binary) needs no NSS.
struct ResolvedUser: Sendable, Hashable {
    var name: String
    var uid: uid_t
    var gid: gid_t
    /// Supplementary groups (getgrouplist), including `gid`.
    var groups: [gid_t]

    /// Looks a user up by name, or by uid when the name is all digits and names no user.
    static func lookup(_ user: String) throws(ExecutorError) -> ResolvedUser {
        guard !user.isEmpty, !user.utf8.contains(0) else {
            throw ExecutorError(.unknownUser, "invalid user name '\(user)'")
        }
        var resolved = fetch { entry, buf, count, result in getpwnam_r(user, entry, buf, count, result) }
        if resolved == nil, let uid = uid_t(user) {
            resolved = fetch { entry, buf, count, result in getpwuid_r(uid, entry, buf, count, result) }
        }
        guard var user = resolved else {
            throw ExecutorError(.unknownUser, "no such user '\(user)'")
        }
        var n: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(n))
        if getgrouplist(user.name, user.gid, &groups, &n) < 0 {
            // n now holds the number needed.
            groups = [gid_t](repeating: 0, count: Int(max(n, 1)))
            if getgrouplist(user.name, user.gid, &groups, &n) < 0 { groups = [user.gid]; n = 1 }
        }
        user.groups = Array(groups.prefix(Int(max(n, 0))))
        if user.groups.count > 256 { user.groups = Array(user.groups.prefix(256)) }  // the executor's limit
        return user
    }

    private static func fetch(
        _ call: (UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int,
                 UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>) -> Int32
    ) -> ResolvedUser? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var size = 4096
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            var rc: Int32 = 0
            let user: ResolvedUser? = buffer.withUnsafeMutableBufferPointer { buf in
                rc = call(&entry, buf.baseAddress!, buf.count, &result)
                guard rc == 0, let found = result else { return nil }
                return ResolvedUser(
                    name: String(cString: found.pointee.pw_name),
                    uid: found.pointee.pw_uid,
                    gid: found.pointee.pw_gid,
                    groups: [])
            }
            if rc == ERANGE && size < 1 << 20 {
                size *= 4
                continue
            }
            return user
        }
    }
}
