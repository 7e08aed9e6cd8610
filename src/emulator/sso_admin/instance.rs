//! ListInstances and DescribeInstance: the one emulated Identity Center instance.

use serde_json::{Value, json};

use super::{invalid, listing, page};
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, epoch_s, parse_time};

/// The instance's metadata as both operations render it.
fn metadata(st: &State) -> Value {
    let i = &st.org.instance;
    let created = parse_time(&i.created).map(epoch_s).unwrap_or(json!(0));
    json!({
        "InstanceArn": i.instance_arn,
        "IdentityStoreId": i.identity_store_id,
        "IdentityStoreArn": st.identity_store_arn(),
        "OwnerAccountId": i.owner_account_id,
        "Name": i.name,
        "CreatedDate": created,
        "Status": "ACTIVE",
        "PrimaryRegion": i.region,
        "Regions": [{
            "RegionName": i.region,
            "Status": "ACTIVE",
            "AddedDate": created,
            "IsPrimaryRegion": true,
        }],
    })
}

/// ListInstances: the instance, to a caller in its owner account (or the operator).
pub fn list_instances(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    let items = vec![metadata(st)];
    let (items, next) = page(st, call, items, 100, "ListInstances")?;
    Ok(listing("Instances", items, next))
}

/// DescribeInstance: the instance's metadata plus its encryption settings.
pub fn describe_instance(st: &mut State, call: &Call) -> Result<Value, ApiError> {
    super::instance_arn(st, call, invalid)?;
    let mut out = metadata(st);
    out["EncryptionConfigurationDetails"] = json!({
        "KeyType": "AWS_OWNED_KMS_KEY",
        "EncryptionStatus": "ENABLED",
    });
    out["PermissionSetsEnabled"] = json!(true);
    Ok(out)
}
