//! Who is who: staff roles, customer kinds and the portal user account status.
//!
//! What a portal user may see is decided by grants (customer, locations, capabilities), not by a
//! role; [`PortalUserStatus`] only decides whether the account may be used at all.

use crate::string_enum::string_enum;

string_enum! {
    /// Role of an internal staff user (`staff_users.role`).
    pub enum StaffRole: "staff role" {
        /// Everything, including API keys and staff users.
        Admin = "admin",
        /// Reviews requests, approves and publishes reports, manages portal access.
        Manager = "manager",
        /// Schedules appointments and follows field work.
        Dispatcher = "dispatcher",
    }
}

string_enum! {
    /// Kind of customer account (`customers.kind`). Both get the same portal; the kind is
    /// informational (partners submit work on behalf of their own clients).
    pub enum CustomerKind: "customer kind" {
        /// A direct customer.
        Customer = "customer",
        /// A partner company.
        Partner = "partner",
    }
}

string_enum! {
    /// Account status of a portal user (`portal_users.status`).
    pub enum PortalUserStatus: "portal user status" {
        /// Invited; has not accepted the invitation (no password yet).
        Invited = "invited",
        /// Has accepted the invitation and may sign in.
        Active = "active",
        /// Disabled by staff: every request is refused from the next request on.
        Disabled = "disabled",
    }
}

impl PortalUserStatus {
    /// Only active users may sign in, refresh a session or call the portal API.
    /// Checked on every request, not only at login, so disabling is immediate.
    pub const fn can_sign_in(self) -> bool {
        match self {
            Self::Active => true,
            Self::Invited | Self::Disabled => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_portal_users_can_sign_in() {
        let allowed: Vec<_> = PortalUserStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.can_sign_in())
            .collect();
        assert_eq!(allowed, [PortalUserStatus::Active]);
    }

    #[test]
    fn staff_roles_are_admin_manager_and_dispatcher() {
        assert_eq!(StaffRole::VALUES, ["admin", "manager", "dispatcher"]);
    }

    #[test]
    fn customer_kinds_are_customer_and_partner() {
        assert_eq!(CustomerKind::VALUES, ["customer", "partner"]);
    }
}
