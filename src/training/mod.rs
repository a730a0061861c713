//! The training gallery, trainers' own scenario folders, quiz state and scoring (logic only; drawing lives in `gui`).

mod gallery;
mod spot;

pub use gallery::{
    gallery, gallery_errors, load_folder, FolderError, LearningPoint, Scenario, ScenarioMeta,
    METADATA_FILE,
};
pub use spot::{ItemRef, Spot};
