//! Table schemas over CloudTrail records and the conversion of one record into a row of a
//! schema. Column and field names are lower case (SQL names are case-insensitive, as in
//! Athena and CloudTrail Lake), and a record's keys match them whatever their case.
//!
//! Two schemas ship: [`athena`] is AWS's Athena DDL for CloudTrail (`eventtime` a string,
//! `requestparameters` and friends JSON strings, `useridentity` a struct with `onbehalfof`, plus
//! `credentialid`), [`lake`] is CloudTrail Lake's (`eventtime` a timestamp, `readonly` a boolean,
//! `requestparameters` and friends maps of strings). Athena tables made with DDL bring their own.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use serde_json::{Map, Value};

fn s(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn st(name: &str, fields: Vec<Field>) -> Field {
    Field::new(name, DataType::Struct(Fields::from(fields)), true)
}

/// A map of strings to strings, as Lake types `requestParameters`.
pub fn string_map() -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", DataType::Utf8, false),
            Field::new("value", DataType::Utf8, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

fn user_identity(lake: bool) -> Field {
    let issuer = st(
        "sessionissuer",
        vec![
            s("type"),
            s("principalid"),
            s("arn"),
            s("accountid"),
            s("username"),
        ],
    );
    let attributes = st("attributes", vec![s("mfaauthenticated"), s("creationdate")]);
    let web = st(
        "webidfederationdata",
        vec![
            s("federatedprovider"),
            Field::new("attributes", string_map(), true),
        ],
    );
    let context = st(
        "sessioncontext",
        vec![
            attributes,
            issuer,
            s("ec2roledelivery"),
            web,
            s("sourceidentity"),
        ],
    );
    let mut fields = vec![
        s("type"),
        s("principalid"),
        s("arn"),
        s("accountid"),
        s("invokedby"),
        s("accesskeyid"),
        s("username"),
        st("onbehalfof", vec![s("userid"), s("identitystorearn")]),
        context,
        s("credentialid"),
    ];
    if lake {
        fields.push(s("identityprovider"));
    }
    st("useridentity", fields)
}

/// AWS's Athena table for CloudTrail (the documentation's column list, plus
/// `useridentity.credentialid`), without partition columns.
pub fn athena() -> SchemaRef {
    let json = |n: &str| s(n);
    Arc::new(Schema::new(vec![
        s("eventversion"),
        user_identity(false),
        s("eventtime"),
        s("eventsource"),
        s("eventname"),
        s("awsregion"),
        s("sourceipaddress"),
        s("useragent"),
        s("errorcode"),
        s("errormessage"),
        json("requestparameters"),
        json("responseelements"),
        json("additionaleventdata"),
        s("requestid"),
        s("eventid"),
        s("readonly"),
        Field::new(
            "resources",
            DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(Fields::from(vec![s("arn"), s("accountid"), s("type")])),
                true,
            ))),
            true,
        ),
        s("eventtype"),
        s("apiversion"),
        s("recipientaccountid"),
        json("serviceeventdetails"),
        s("sharedeventid"),
        s("vpcendpointid"),
        s("vpcendpointaccountid"),
        s("eventcategory"),
        st(
            "addendum",
            vec![
                s("reason"),
                s("updatedfields"),
                s("originalrequestid"),
                s("originaleventid"),
            ],
        ),
        s("sessioncredentialfromconsole"),
        s("edgedevicedetails"),
        st(
            "tlsdetails",
            vec![
                s("tlsversion"),
                s("ciphersuite"),
                s("clientprovidedhostheader"),
            ],
        ),
    ]))
}

/// CloudTrail Lake's event schema for CloudTrail management and data events.
pub fn lake() -> SchemaRef {
    let map = |n: &str| Field::new(n, string_map(), true);
    Arc::new(Schema::new(vec![
        s("eventversion"),
        user_identity(true),
        Field::new(
            "eventtime",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            true,
        ),
        s("eventsource"),
        s("eventname"),
        s("awsregion"),
        s("sourceipaddress"),
        s("useragent"),
        s("errorcode"),
        s("errormessage"),
        map("requestparameters"),
        map("responseelements"),
        map("additionaleventdata"),
        s("requestid"),
        s("eventid"),
        Field::new("readonly", DataType::Boolean, true),
        Field::new(
            "resources",
            DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(Fields::from(vec![s("accountid"), s("type"), s("arn")])),
                true,
            ))),
            true,
        ),
        s("eventtype"),
        s("apiversion"),
        Field::new("managementevent", DataType::Boolean, true),
        s("recipientaccountid"),
        s("sharedeventid"),
        s("vpcendpointid"),
        map("serviceeventdetails"),
        s("eventcategory"),
        s("sessioncredentialfromconsole"),
    ]))
}

/// Lake's column names as Lake spells them, keyed by their lower-case form (answers name
/// columns as Lake does).
pub fn lake_spelling(lower: &str) -> Option<&'static str> {
    const NAMES: [&str; 27] = [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "errorCode",
        "errorMessage",
        "requestParameters",
        "responseElements",
        "additionalEventData",
        "requestID",
        "eventID",
        "readOnly",
        "resources",
        "eventType",
        "apiVersion",
        "managementEvent",
        "recipientAccountId",
        "sharedEventID",
        "vpcEndpointId",
        "serviceEventDetails",
        "eventCategory",
        "sessionCredentialFromConsole",
        "tlsDetails",
    ];
    NAMES.into_iter().find(|n| n.eq_ignore_ascii_case(lower))
}

/// Converts records into rows of one schema (the fields a query reads).
#[derive(Debug, Clone)]
pub struct RowShape {
    fields: Vec<(String, DataType)>,
    by_lower: HashMap<String, usize>,
}

impl RowShape {
    /// The shape of `schema`'s fields.
    pub fn new(schema: &Schema) -> RowShape {
        let fields: Vec<(String, DataType)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        let by_lower = fields
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.to_lowercase(), i))
            .collect();
        RowShape { fields, by_lower }
    }

    /// One record as a row: keys matched case-insensitively, values coerced to the field types
    /// (objects in string fields become their JSON text, as Athena's CloudTrail SerDe reads
    /// `requestParameters`; map values become strings).
    pub fn row(&self, record: &Map<String, Value>) -> Value {
        let mut out = Map::with_capacity(self.fields.len());
        for (k, v) in record {
            let i = match self.by_lower.get(k.as_str()) {
                Some(&i) => i,
                None => match self.by_lower.get(&k.to_lowercase()) {
                    Some(&i) => i,
                    None => continue,
                },
            };
            let (name, ty) = &self.fields[i];
            out.insert(name.clone(), coerce(v, ty));
        }
        Value::Object(out)
    }
}

/// `v` made to fit `ty`.
pub fn coerce(v: &Value, ty: &DataType) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::Null,
        (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View, Value::String(_)) => v.clone(),
        (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View, other) => {
            Value::String(other.to_string())
        }
        (DataType::Boolean, Value::String(s)) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        (DataType::Struct(fields), Value::Object(m)) => {
            let mut out = Map::new();
            for (k, x) in m {
                if let Some(f) = fields.iter().find(|f| f.name().eq_ignore_ascii_case(k)) {
                    out.insert(f.name().clone(), coerce(x, f.data_type()));
                }
            }
            Value::Object(out)
        }
        (DataType::Struct(_), _) => Value::Null,
        (DataType::List(item), Value::Array(a)) => {
            Value::Array(a.iter().map(|x| coerce(x, item.data_type())).collect())
        }
        (DataType::List(_), _) => Value::Null,
        (DataType::Map(_, _), Value::Object(m)) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let text = match x {
                        Value::String(s) => Value::String(s.clone()),
                        Value::Null => Value::Null,
                        other => Value::String(other.to_string()),
                    };
                    (k.clone(), text)
                })
                .collect(),
        ),
        (DataType::Map(_, _), _) => Value::Null,
        (DataType::Int32 | DataType::Int64 | DataType::Float64, Value::String(s)) => {
            s.parse::<f64>().map(Value::from).unwrap_or(Value::Null)
        }
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_match_whatever_their_case_and_json_strings_stay_text() {
        let shape = RowShape::new(&athena());
        let r = json!({"eventID": "e1", "requestParameters": {"roleArn": "arn:x"},
            "userIdentity": {"type": "AssumedRole", "onBehalfOf": {"userId": "u-1"}},
            "readOnly": true, "somethingNew": 1});
        let row = shape.row(r.as_object().unwrap());
        assert_eq!(row["eventid"], "e1");
        assert_eq!(row["requestparameters"], r#"{"roleArn":"arn:x"}"#);
        assert_eq!(row["useridentity"]["onbehalfof"]["userid"], "u-1");
        assert_eq!(row["readonly"], "true");
        assert!(row.get("somethingnew").is_none());
    }

    #[test]
    fn lake_maps_hold_strings() {
        let shape = RowShape::new(&lake());
        let r = json!({"additionalEventData": {"MFAUsed": "Yes", "n": 3, "o": {"a": 1}},
            "readOnly": "false"});
        let row = shape.row(r.as_object().unwrap());
        assert_eq!(row["additionaleventdata"]["n"], "3");
        assert_eq!(row["additionaleventdata"]["o"], r#"{"a":1}"#);
        assert_eq!(row["readonly"], false);
        assert_eq!(lake_spelling("sourceipaddress"), Some("sourceIPAddress"));
    }
}
