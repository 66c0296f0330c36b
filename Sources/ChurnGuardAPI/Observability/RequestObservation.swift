public import ChurnGuardCore
import Synchronization

/// What inner middleware learns about a request that the outer observability middleware
/// reports once the answer is ready: the caller's organization (set by authentication).
///
/// Request contexts are values copied down the middleware chain, so the outer middleware
/// cannot see fields set further in; this small shared object carries them back out.
public final class RequestObservation: Sendable {
    private let organizationID = Mutex<OrganizationID?>(nil)

    /// An empty observation, one per request.
    public init() {}

    /// The authenticated organization, once known.
    public var organization: OrganizationID? {
        get { organizationID.withLock { $0 } }
        set { organizationID.withLock { $0 = newValue } }
    }
}
