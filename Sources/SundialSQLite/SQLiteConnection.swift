import VaporCSQLite

/// A minimal, synchronous wrapper over the SQLite C API that sqlite-nio vendors. It is used
/// from exactly one thread at a time (the store's writer queue), so it holds no locks.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(StoreError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            throw StoreError(.io, "open \(path): \(message)")
        }
        sqlite_nio_sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close(handle)
    }

    var errorMessage: String { String(cString: sqlite_nio_sqlite3_errmsg(handle)) }

    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? errorMessage
            sqlite_nio_sqlite3_free(error)
            throw StoreError(rc == SQLITE_CONSTRAINT ? .conflict : .io, message)
        }
    }

    /// Runs a statement (cached by its text) with positional bindings, calling `row` for
    /// each result row.
    func run(_ sql: String, _ bindings: [SQLiteValue] = [], row: ((SQLiteRow) throws(StoreError) -> Void)? = nil) throws(StoreError) {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite_nio_sqlite3_bind_null(statement, index)
            case .integer(let i): rc = sqlite_nio_sqlite3_bind_int64(statement, index, i)
            case .text(let s): rc = sqlite_nio_sqlite3_bind_text64(statement, index, s, UInt64(s.utf8.count), SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
            }
            guard rc == SQLITE_OK else { throw StoreError(.io, "bind: \(errorMessage)") }
        }
        while true {
            let rc = sqlite_nio_sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            if rc == SQLITE_ROW {
                try row?(SQLiteRow(statement: statement))
                continue
            }
            let code: StoreError.Code = (rc & 0xFF) == SQLITE_CONSTRAINT ? .conflict : .io
            throw StoreError(code, errorMessage)
        }
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw StoreError(.io, "prepare \(sql): \(errorMessage)") }
        statements[sql] = statement
        return statement
    }
}

let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

enum SQLiteValue {
    case null
    case integer(Int64)
    case text(String)

    static func optional(_ instant: Instant?) -> SQLiteValue {
        instant.map { .integer($0.millisecondsSinceEpoch) } ?? .null
    }
    static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }
}

struct SQLiteRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL }
    func integer(_ column: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
    func instant(_ column: Int32) -> Instant? {
        isNull(column) ? nil : Instant(millisecondsSinceEpoch: integer(column))
    }
}

import SundialCore
