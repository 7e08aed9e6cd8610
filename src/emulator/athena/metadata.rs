//! Athena's metadata operations — ListWorkGroups / GetWorkGroup (`primary` and the Identity
//! Center-enabled workgroup), ListDataCatalogs / GetDataCatalog (`AwsDataCatalog`),
//! ListDatabases / GetDatabase, ListTableMetadata / GetTableMetadata — and DDL run against the
//! catalogue (what a DDL query execution does).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::catalog::{self, Database, Table};
use super::ddl::{self, Ddl};
use super::queries::Results;
use super::{CATALOG, IDC_WORKGROUP, error, invalid};
use crate::emulator::rpc::Call;
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, epoch_s};

/// The workgroups there are.
pub const WORKGROUPS: [&str; 2] = ["primary", IDC_WORKGROUP];

/// Whether `name` is a workgroup.
pub fn workgroup_exists(name: &str) -> bool {
    WORKGROUPS.contains(&name)
}

fn workgroup(st: &State, name: &str) -> Value {
    let mut config = json!({
        "ResultConfiguration": {
            "OutputLocation": format!("s3://{}/athena-results/{name}/", st.settings.trail.bucket),
        },
        "EnforceWorkGroupConfiguration": false,
        "PublishCloudWatchMetricsEnabled": false,
        "RequesterPaysEnabled": false,
        "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
    });
    let mut out = json!({
        "Name": name,
        "State": "ENABLED",
        "Description": if name == IDC_WORKGROUP { "Queries attributed to the person (trusted identity propagation)" } else { "" },
        "CreationTime": epoch_s(st.trail.started()),
    });
    if name == IDC_WORKGROUP {
        config["IdentityCenterConfiguration"] = json!({
            "EnableIdentityCenter": true,
            "IdentityCenterInstanceArn": st.org.instance.instance_arn,
        });
        out["IdentityCenterApplicationArn"] = json!(format!(
            "arn:aws:sso::{}:application/{}/apl-athena0000000001",
            st.org.instance.owner_account_id,
            st.instance_id()
        ));
    }
    out["Configuration"] = config;
    out
}

fn catalog_name(call: &Call) -> Result<(), ApiError> {
    let name = call.required_str("CatalogName")?;
    if name.eq_ignore_ascii_case(CATALOG) {
        Ok(())
    } else {
        Err(error(
            "MetadataException",
            format!("Catalog {name} not found"),
        ))
    }
}

fn database<'a>(st: &'a State, name: &str) -> Result<&'a Database, ApiError> {
    st.athena
        .databases
        .get(&name.to_lowercase())
        .ok_or_else(|| error("MetadataException", format!("Database {name} not found")))
}

fn table_json(t: &Table) -> Value {
    let col = |(n, ty): &(String, datafusion::arrow::datatypes::DataType)| json!({"Name": n, "Type": crate::trail_sql::format::type_name(ty)});
    let mut params: BTreeMap<String, String> = t.spec.properties.clone();
    params.insert("EXTERNAL".into(), "TRUE".into());
    if let Some(l) = &t.spec.location {
        params.insert("location".into(), l.clone());
    }
    if let Some(s) = &t.spec.serde {
        params.insert("serde.serialization.lib".into(), s.clone());
    }
    json!({
        "Name": t.spec.table.1,
        "CreateTime": epoch_s(t.created),
        "TableType": "EXTERNAL_TABLE",
        "Columns": t.spec.columns.iter().map(col).collect::<Vec<_>>(),
        "PartitionKeys": t.spec.partitions.iter().map(col).collect::<Vec<_>>(),
        "Parameters": params,
    })
}

/// The metadata operations.
pub fn answer(call: &Call, st: &mut State) -> Result<Value, ApiError> {
    match call.op {
        "ListWorkGroups" => Ok(json!({ "WorkGroups": WORKGROUPS.iter().map(|w| {
            let full = workgroup(st, w);
            json!({"Name": w, "State": "ENABLED", "Description": full["Description"],
                "CreationTime": full["CreationTime"], "EngineVersion": full["Configuration"]["EngineVersion"],
                "IdentityCenterApplicationArn": full["IdentityCenterApplicationArn"]})
        }).collect::<Vec<_>>() })),
        "GetWorkGroup" => {
            let name = call.required_str("WorkGroup")?;
            if !workgroup_exists(name) {
                return Err(invalid(format!("WorkGroup {name} is not found.")));
            }
            Ok(json!({ "WorkGroup": workgroup(st, name) }))
        }
        "ListDataCatalogs" => Ok(json!({ "DataCatalogsSummary": [
            {"CatalogName": CATALOG, "Type": "GLUE", "Status": "CREATE_COMPLETE"}
        ]})),
        "GetDataCatalog" => {
            catalog_name(call)?;
            Ok(json!({ "DataCatalog": {"Name": CATALOG, "Type": "GLUE",
                "Parameters": {"catalog-id": st.org.organization.management_account_id}} }))
        }
        "ListDatabases" => {
            catalog_name(call)?;
            Ok(
                json!({ "DatabaseList": st.athena.databases.keys().map(|n| json!({"Name": n})).collect::<Vec<_>>() }),
            )
        }
        "GetDatabase" => {
            catalog_name(call)?;
            let name = call.required_str("DatabaseName")?;
            database(st, name)?;
            Ok(json!({ "Database": {"Name": name.to_lowercase()} }))
        }
        "ListTableMetadata" => {
            catalog_name(call)?;
            let db = database(st, call.required_str("DatabaseName")?)?;
            let max = call.max_results("MaxResults", 50)?.unwrap_or(50);
            let pattern = call.optional_str("Expression");
            let names: Vec<&Table> = db
                .tables
                .values()
                .filter(|t| pattern.is_none_or(|p| like(p, &t.spec.table.1)))
                .collect();
            let from: usize = call
                .optional_str("NextToken")
                .map(|t| t.parse().map_err(|_| invalid("The NextToken is not valid")))
                .transpose()?
                .unwrap_or(0);
            let page: Vec<Value> = names
                .iter()
                .skip(from)
                .take(max)
                .map(|t| table_json(t))
                .collect();
            let mut out = json!({ "TableMetadataList": page });
            if from + max < names.len() {
                out["NextToken"] = json!((from + max).to_string());
            }
            Ok(out)
        }
        _ => {
            catalog_name(call)?;
            let db = database(st, call.required_str("DatabaseName")?)?;
            let name = call.required_str("TableName")?;
            let t = db
                .tables
                .get(&name.to_lowercase())
                .ok_or_else(|| error("MetadataException", format!("Table {name} not found")))?;
            Ok(json!({ "TableMetadata": table_json(t) }))
        }
    }
}

/// Athena's `Expression` filter: a regular-expression-like pattern where `*` is any text.
fn like(pattern: &str, name: &str) -> bool {
    let re = format!("^{}$", regex::escape(pattern).replace("\\*", ".*"));
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
}

fn rows(list: Vec<String>) -> Results {
    Results {
        columns: vec![("tab_name".into(), "varchar".into())],
        rows: list.into_iter().map(|n| vec![Some(n)]).collect(),
        header: false,
    }
}

/// Run one DDL statement against the catalogue (`database`: where unqualified names go).
pub fn run_ddl(st: &mut State, sql: &str, database: &str) -> Result<Results, String> {
    let parsed = ddl::parse(sql).map_err(|e| format!("FAILED: ParseException {e}"))?;
    let dbs = &mut st.athena.databases;
    let db_of = |t: &(Option<String>, String)| t.0.clone().unwrap_or_else(|| database.to_string());
    let missing =
        |d: &str| format!("FAILED: SemanticException [Error 10072]: Database does not exist: {d}");
    match parsed {
        Ddl::CreateDatabase {
            name,
            if_not_exists,
        } => {
            if dbs.contains_key(&name) && !if_not_exists {
                return Err(format!(
                    "FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. Database {name} already exists"
                ));
            }
            dbs.entry(name).or_default();
            Ok(rows(Vec::new()))
        }
        Ddl::CreateTable(spec) => {
            let d = db_of(&spec.table);
            let db = dbs.get_mut(&d).ok_or_else(|| missing(&d))?;
            let name = spec.table.1.clone();
            if db.tables.contains_key(&name) {
                if spec.if_not_exists {
                    return Ok(rows(Vec::new()));
                }
                return Err(format!(
                    "FAILED: AlreadyExistsException Table {name} already exists"
                ));
            }
            if spec
                .location
                .as_deref()
                .and_then(catalog::split_s3)
                .is_none()
            {
                return Err("FAILED: SemanticException LOCATION must be an s3:// URI".into());
            }
            db.tables.insert(
                name,
                Table {
                    spec,
                    partitions: Vec::new(),
                    created: OffsetDateTime::now_utc(),
                },
            );
            Ok(rows(Vec::new()))
        }
        Ddl::AddPartitions { table, partitions } => {
            let d = db_of(&table);
            let db = dbs.get_mut(&d).ok_or_else(|| missing(&d))?;
            let t = db.tables.get_mut(&table.1).ok_or_else(|| {
                format!(
                    "FAILED: SemanticException [Error 10001]: Table not found {}",
                    table.1
                )
            })?;
            let cols: Vec<String> = t.spec.partitions.iter().map(|(n, _)| n.clone()).collect();
            for (values, location) in partitions {
                if let Some(k) = values.keys().find(|k| !cols.contains(k)) {
                    return Err(format!(
                        "FAILED: SemanticException Partition spec {k} is not a partition column"
                    ));
                }
                let loc = location.unwrap_or_else(|| {
                    catalog::default_partition_location(
                        t.spec.location.as_deref().unwrap_or_default(),
                        &values,
                        &cols,
                    )
                });
                if !t.partitions.iter().any(|(v, _)| *v == values) {
                    t.partitions.push((values, loc));
                }
            }
            Ok(rows(Vec::new()))
        }
        Ddl::ShowTables { database: d } => {
            let d = d.unwrap_or_else(|| database.to_string());
            let db = dbs.get(&d).ok_or_else(|| missing(&d))?;
            Ok(rows(db.tables.keys().cloned().collect()))
        }
        Ddl::ShowDatabases => Ok(Results {
            columns: vec![("database_name".into(), "varchar".into())],
            ..rows(dbs.keys().cloned().collect())
        }),
        Ddl::DropTable { table, if_exists } => {
            let d = db_of(&table);
            let removed = dbs.get_mut(&d).and_then(|db| db.tables.remove(&table.1));
            if removed.is_none() && !if_exists {
                return Err(format!(
                    "FAILED: SemanticException [Error 10001]: Table not found {}",
                    table.1
                ));
            }
            Ok(rows(Vec::new()))
        }
        Ddl::DropDatabase { name, if_exists } => {
            match dbs.get(&name) {
                None if if_exists => return Ok(rows(Vec::new())),
                None => return Err(missing(&name)),
                Some(db) if !db.tables.is_empty() => {
                    return Err(format!(
                        "FAILED: InvalidOperationException Database {name} is not empty. One or more tables exist."
                    ));
                }
                Some(_) => {}
            }
            dbs.remove(&name);
            Ok(rows(Vec::new()))
        }
    }
}
